import { stringify } from 'yaml';
import type { SupervisorHalt } from '../config/state-schema.js';

const KEY_ORDER: (keyof SupervisorHalt)[] = ['role', 'node', 'repo', 'reason', 'by', 'since'];

/** halts.yaml text in a fixed key order: the same halts always give the same bytes. */
export function renderHaltsYaml(halts: readonly SupervisorHalt[]): string {
  const ordered = halts.map((h) => Object.fromEntries(KEY_ORDER.filter((k) => h[k] !== undefined).map((k) => [k, h[k]])));
  return `# yaml-language-server: $schema=../schemas/halts.schema.json
# The leader supervisor's factory-wide halts. Machine-written: do not edit (use overrides.yaml).
${stringify({ halts: ordered }, { lineWidth: 0 })}`;
}
