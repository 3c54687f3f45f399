import { parse } from 'yaml';
import { nodeEntry } from './control-view.js';

type Nodes = Record<string, { control?: string[] }>;

/**
 * Whether the node starts its agents itself (control: loop), which shapes the unit (no cgroup
 * memory cap). Unreadable config means the safe choice, loop; an unknown node gets a warning.
 */
export function installLoopMode(factoryYaml: string | undefined, node: string): { loop: boolean; warning?: string } {
  let config: { nodes?: Nodes } | null | undefined;
  try {
    config = factoryYaml === undefined ? undefined : (parse(factoryYaml) as { nodes?: Nodes } | null);
  } catch {
    return { loop: true };
  }
  if (config === undefined || config === null) return { loop: true };
  const entry = nodeEntry(config.nodes ?? {}, node);
  if (!entry)
    return { loop: true, warning: `warning: node "${node}" is not in factory.yaml and there is no "default" node` };
  return { loop: (entry.control ?? []).includes('loop') };
}
