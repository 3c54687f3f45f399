/** Where a value was written: the file, and the line and column when the file's YAML is known. */
export interface Source {
  file: string;
  line?: number;
  col?: number;
}

/**
 * For every resolved leaf, the file it came from. Keys are display paths in which keyed list
 * entries are named by their key, so they stay stable however presets reorder things:
 * `labels[bug].color`, `agents.dev.schedule.min`, `env.vars[GH_TOKEN]`.
 */
export type Provenance = Map<string, Source>;

export const childPath = (path: string, key: string) => (path ? `${path}.${key}` : key);
export const entryPath = (path: string, key: string) => `${path}[${key}]`;

export function isUnder(candidate: string, path: string): boolean {
  return candidate === path || candidate.startsWith(`${path}.`) || candidate.startsWith(`${path}[`);
}

/** Forget everything recorded at or below a path (the value there was removed or replaced). */
export function forget(prov: Provenance, path: string): void {
  for (const key of [...prov.keys()]) if (isUnder(key, path)) prov.delete(key);
}

/** The source of a path, or of the nearest recorded value below it, or above it. */
export function sourceOf(prov: Provenance, path: string): Source | undefined {
  for (let p = path; p !== ''; p = parentPath(p)) {
    const exact = prov.get(p);
    if (exact) return exact;
    for (const [key, source] of prov) if (isUnder(key, p)) return source;
  }
  return undefined;
}

function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '' : path.slice(0, cut);
}

export function formatSource(s: Source): string {
  return s.line === undefined ? s.file : `${s.file}:${s.line}:${s.col ?? 1}`;
}
