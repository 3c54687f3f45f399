import { entryPath, type Provenance } from './provenance.js';

/** The protection entry that follows the repository's primaryBranch, so a preset need not know it. */
export const PRIMARY = '$primary';

type Entry = Record<string, unknown>;

/**
 * Names the `$primary` protection entry after the merged primaryBranch (default main), moving its
 * provenance along. An entry that names that branch itself is merged over it (its values win), as
 * it would have been over an inherited entry of that name.
 */
export function followPrimaryBranch(merged: Record<string, unknown>, prov: Provenance): Record<string, unknown> {
  const list = merged.branchProtection;
  if (!Array.isArray(list) || !list.some((e) => (e as Entry)?.branch === PRIMARY)) return merged;
  const branch = typeof merged.primaryBranch === 'string' ? merged.primaryBranch : 'main';
  const primary = list.find((e) => (e as Entry)?.branch === PRIMARY) as Entry;
  const explicit = list.find((e) => (e as Entry)?.branch === branch) as Entry | undefined;
  const from = entryPath('branchProtection', PRIMARY);
  const to = entryPath('branchProtection', branch);
  for (const [key, source] of [...prov]) {
    if (key !== from && !key.startsWith(`${from}.`)) continue;
    prov.delete(key);
    if (!prov.has(to + key.slice(from.length))) prov.set(to + key.slice(from.length), source);
  }
  const entry = { ...primary, ...(explicit ?? {}), branch };
  const out = list.flatMap((e) => (e === explicit ? [] : e === primary ? [entry] : [e]));
  return { ...merged, branchProtection: out };
}
