import type { ConfigProblem } from '../../errors.js';
import type { Layer } from './deep-merge.js';

export type LayerOrder = { ok: true; layers: Layer[]; names: string[] } | { ok: false; problems: ConfigProblem[] };

/**
 * The files to merge, in order: each file's presets depth-first, then the file itself.
 * A preset reached twice (a diamond) is applied once, at its first place, so a later
 * preset's override of it is not undone by applying it again.
 */
export function presetLayers(rootName: string, root: Layer, presets: ReadonlyMap<string, Layer>): LayerOrder {
  const layers: Layer[] = [];
  const names: string[] = [];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();

  const visit = (layer: Layer, chain: string[]) => {
    const wanted = layer.value.extends;
    const list = Array.isArray(wanted) ? wanted.map(String) : [];
    list.forEach((name, i) => {
      const at = {
        file: layer.file,
        ...(layer.locate?.(['extends', i]) ?? { line: 1, col: 1 }),
        field: `extends.${i}`,
        severity: 'error' as const,
      };
      if (chain.includes(name)) {
        problems.push({ ...at, message: `preset cycle: ${[...chain, name].join(' -> ')}` });
        return;
      }
      const preset = presets.get(name);
      if (!preset) {
        problems.push({
          ...at,
          message: `missing preset "${name}" (no repos/presets/${name}.yaml), via ${[...chain, name].join(' -> ')}`,
        });
        return;
      }
      if (seen.has(name)) return;
      seen.add(name);
      visit(preset, [...chain, name]);
      names.push(name);
    });
    layers.push(layer);
  };

  visit(root, [rootName]);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, layers, names };
}
