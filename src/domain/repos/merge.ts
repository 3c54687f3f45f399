import type { ConfigProblem } from '../../errors.js';
import { ResolvedRepoConfig } from '../config/repo-schema.js';
import { mergeLayer, type Layer, type MergeContext, type MergeRule } from './deep-merge.js';
import { presetLayers } from './preset-chain.js';
import { followPrimaryBranch } from './primary-branch.js';
import { entryPath, childPath, sourceOf, type Provenance } from './provenance.js';

export type { Layer } from './deep-merge.js';

/** A repository's config with every preset applied, and where each value came from. */
export interface ResolvedRepo {
  slug: string;
  file: string;
  config: ResolvedRepoConfig;
  provenance: Provenance;
  /** presets applied, in order */
  presets: string[];
  warnings: ConfigProblem[];
}

export type Resolution = ({ ok: true } & ResolvedRepo) | { ok: false; slug: string; problems: ConfigProblem[] };

/** `practices/testing.md` is short for `{ id: testing, file: practices/testing.md }`. */
export function normalizePractice(entry: unknown): unknown {
  if (typeof entry !== 'string') return entry;
  const base = entry.slice(entry.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  return { id: base, file: entry };
}

const RULES: Record<string, MergeRule> = {
  labels: { kind: 'keyed', key: 'name' },
  branchProtection: { kind: 'keyed', key: 'branch' },
  practices: { kind: 'keyed', key: 'id', exclusive: ['text', 'file'], normalize: normalizePractice },
  agents: { kind: 'record' },
  'env.vars': { kind: 'set' },
};
const KEYS: Record<string, string> = { labels: 'name', branchProtection: 'branch', practices: 'id' };

/** Resolves one repository: presets in order, then its own file; checks the result is complete. */
export function resolveRepo(slug: string, repo: Layer, presets: ReadonlyMap<string, Layer>): Resolution {
  const order = presetLayers(slug, repo, presets);
  if (!order.ok) return { ok: false, slug, problems: order.problems };

  const ctx: MergeContext = { rules: (p) => RULES[p], skip: new Set(['extends']), prov: new Map(), warnings: [] };
  const merged = followPrimaryBranch(
    order.layers.reduce<Record<string, unknown>>((acc, layer) => mergeLayer(acc, layer, ctx), {}),
    ctx.prov,
  );

  const parsed = ResolvedRepoConfig.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue): ConfigProblem => {
      const path = displayPath(
        merged,
        issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      );
      const src = sourceOf(ctx.prov, path) ?? { file: repo.file, line: 1, col: 1 };
      return {
        file: src.file,
        line: src.line ?? 1,
        col: src.col ?? 1,
        field: path,
        message: `${issue.message} (resolving ${slug})`,
        severity: 'error',
      };
    });
    return { ok: false, slug, problems: [...ctx.warnings, ...problems] };
  }
  return {
    ok: true,
    slug,
    file: repo.file,
    config: parsed.data,
    provenance: ctx.prov,
    presets: order.names,
    warnings: ctx.warnings,
  };
}

/** zod's path (list indexes) as a provenance path (list entries named by their key). */
function displayPath(value: unknown, path: (string | number)[]): string {
  let out = '';
  let cursor: unknown = value;
  let listKey: string | undefined;
  for (const seg of path) {
    const next = (cursor as Record<string | number, unknown> | undefined)?.[seg];
    if (typeof seg === 'number' && listKey) {
      out = entryPath(out, String((next as Record<string, unknown> | undefined)?.[listKey] ?? seg));
    } else {
      out = typeof seg === 'number' ? entryPath(out, String(seg)) : childPath(out, seg);
    }
    listKey = typeof seg === 'string' ? KEYS[out] : undefined;
    cursor = next;
  }
  return out;
}
