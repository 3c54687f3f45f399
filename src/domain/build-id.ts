import { createHash } from 'node:crypto';

/**
 * What a build of factoryctl depends on. tsconfig.json is in the list because esbuild reads it.
 * scripts/build.mjs computes the same identity (a test keeps the two in step).
 */
export const BUILD_INPUTS = ['package-lock.json', 'package.json', 'scripts/build.mjs', 'src', 'tsconfig.json'] as const;

/** One input and its git object id (a tree for src, a blob for the files). */
export interface BuildPart {
  path: string;
  oid: string;
}

/** The BUILD_ID file: the id on the first line, then the parts it hashes, so it explains itself. */
export interface BuildInfo {
  id: string;
  parts: BuildPart[];
}

export function buildInfo(parts: readonly BuildPart[]): BuildInfo {
  const sorted = [...parts].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const id = createHash('sha256').update(partsText(sorted)).digest('hex').slice(0, 20);
  return { id, parts: sorted };
}

export function formatBuildInfo(info: BuildInfo): string {
  return `${info.id}\n${partsText(info.parts)}`;
}

/** Lenient: an old or hand-made BUILD_ID with only an id line still yields the id. */
export function parseBuildInfo(text: string): BuildInfo | undefined {
  const [first, ...rest] = text.split('\n');
  const id = first?.trim();
  if (!id) return undefined;
  const parts = rest.flatMap((line) => {
    const match = /^(\S+) ([0-9a-f]{7,64})$/.exec(line.trim());
    return match ? [{ path: match[1]!, oid: match[2]! }] : [];
  });
  return { id, parts };
}

/** `git ls-tree` output ("<mode> <type> <oid>\t<path>" lines) to parts. */
export function partsFromLsTree(output: string): BuildPart[] {
  return output.split('\n').flatMap((line) => {
    const match = /^\d+ \w+ ([0-9a-f]+)\t(.+)$/.exec(line);
    return match ? [{ path: match[2]!, oid: match[1]! }] : [];
  });
}

export const partOid = (info: BuildInfo | undefined, path: string) => info?.parts.find((p) => p.path === path)?.oid;

function partsText(parts: readonly BuildPart[]): string {
  return parts.map((p) => `${p.path} ${p.oid}\n`).join('');
}
