import type { ConfigProblem } from '../../errors.js';
import { childPath, entryPath, forget, type Provenance, type Source } from './provenance.js';

/** How the collection at a path merges; anything not listed: objects deep, lists and scalars replaced. */
export type MergeRule =
  | { kind: 'keyed'; key: string; exclusive?: string[]; normalize?: (entry: unknown) => unknown }
  | { kind: 'record' }
  | { kind: 'set' };

export interface Layer {
  file: string;
  value: Record<string, unknown>;
  /** line and column of a path in this file, when its YAML is at hand */
  locate?: (path: (string | number)[]) => { line: number; col: number } | undefined;
}

export interface MergeContext {
  rules: (path: string) => MergeRule | undefined;
  /** keys that are not merged at all, e.g. extends */
  skip: ReadonlySet<string>;
  prov: Provenance;
  warnings: ConfigProblem[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Applies one layer on top of the merged value so far. */
export function mergeLayer(base: Obj, layer: Layer, ctx: MergeContext): Obj {
  const top: Obj = {};
  for (const [k, v] of Object.entries(layer.value)) if (!ctx.skip.has(k)) top[k] = v;
  return merge(base, top, '', [], layer, ctx) as Obj;
}

function merge(
  base: unknown,
  over: unknown,
  path: string,
  loc: (string | number)[],
  layer: Layer,
  ctx: MergeContext,
): unknown {
  const rule = ctx.rules(path);
  const src = (): Source => ({ file: layer.file, ...locateNearest(layer, loc) });
  if (Array.isArray(over)) {
    if (rule?.kind === 'keyed') return mergeKeyed(Array.isArray(base) ? base : [], over, rule, path, loc, layer, ctx);
    if (rule?.kind === 'set') return mergeSet(Array.isArray(base) ? base : [], over, path, loc, layer, ctx);
    forget(ctx.prov, path);
    ctx.prov.set(path, src());
    return [...over];
  }
  if (isObj(over)) {
    if (over.$replace === true || !isObj(base)) {
      forget(ctx.prov, path);
      return merge({}, withoutMarkers(over), path, loc, layer, ctx);
    }
    if (rule?.kind === 'record') return mergeRecord(base, over, path, loc, layer, ctx);
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) {
      if (k.startsWith('$') || v === undefined) continue;
      out[k] = merge(base[k], v, childPath(path, k), [...loc, k], layer, ctx);
    }
    return out;
  }
  forget(ctx.prov, path);
  ctx.prov.set(path, src());
  return over;
}

/** A named entry: `$remove` drops the inherited one, `$replace` swaps it, anything else merges into it. */
function mergeEntry(
  inherited: unknown,
  entry: Obj,
  path: string,
  loc: (string | number)[],
  layer: Layer,
  ctx: MergeContext,
  exclusive: string[] = [],
  key?: string,
): { keep: boolean; value?: unknown } {
  if (entry.$remove === true) {
    if (inherited === undefined) ctx.warnings.push(warning(layer, loc, path, 'nothing inherited to remove'));
    forget(ctx.prov, path);
    return { keep: false };
  }
  if (inherited === undefined || entry.$replace === true) {
    forget(ctx.prov, path);
    return { keep: true, value: merge({}, withoutMarkers(entry), path, loc, layer, ctx) };
  }
  // Fields that are alternatives (a practice's text or file): setting one drops the inherited other.
  const base = { ...(inherited as Obj) };
  if (exclusive.some((f) => entry[f] !== undefined)) {
    for (const f of exclusive) {
      delete base[f];
      forget(ctx.prov, childPath(path, f));
    }
  }
  // The key stays attributed to the file that introduced the entry.
  const own = key === undefined ? entry : Object.fromEntries(Object.entries(entry).filter(([k]) => k !== key));
  return { keep: true, value: merge(base, own, path, loc, layer, ctx) };
}

function mergeKeyed(
  base: unknown[],
  over: unknown[],
  rule: Extract<MergeRule, { kind: 'keyed' }>,
  path: string,
  loc: (string | number)[],
  layer: Layer,
  ctx: MergeContext,
) {
  const out = [...base] as Obj[];
  over.forEach((raw, i) => {
    const entry = (rule.normalize ? rule.normalize(raw) : raw) as Obj;
    const key = String(entry[rule.key]);
    const at = out.findIndex((e) => String(e[rule.key]) === key);
    const result = mergeEntry(
      at < 0 ? undefined : out[at],
      entry,
      entryPath(path, key),
      [...loc, i],
      layer,
      ctx,
      rule.exclusive,
      rule.key,
    );
    if (!result.keep) {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = result.value as Obj;
    else out.push(result.value as Obj);
  });
  return out;
}

function mergeRecord(base: Obj, over: Obj, path: string, loc: (string | number)[], layer: Layer, ctx: MergeContext) {
  const out: Obj = { ...base };
  for (const [key, raw] of Object.entries(over)) {
    if (!isObj(raw)) continue;
    const result = mergeEntry(base[key], raw, childPath(path, key), [...loc, key], layer, ctx);
    if (result.keep) out[key] = result.value;
    else delete out[key];
  }
  return out;
}

/** A set of names: union, and `!NAME` drops an inherited name. */
function mergeSet(
  base: unknown[],
  over: unknown[],
  path: string,
  loc: (string | number)[],
  layer: Layer,
  ctx: MergeContext,
) {
  const out = base.map(String);
  over.forEach((raw, i) => {
    const name = String(raw);
    if (name.startsWith('!')) {
      const at = out.indexOf(name.slice(1));
      if (at < 0) ctx.warnings.push(warning(layer, [...loc, i], path, `nothing inherited to remove: ${name.slice(1)}`));
      else out.splice(at, 1);
      forget(ctx.prov, entryPath(path, name.slice(1)));
    } else if (!out.includes(name)) {
      out.push(name);
      ctx.prov.set(entryPath(path, name), { file: layer.file, ...locateNearest(layer, [...loc, i]) });
    }
  });
  return out;
}

/** A value a file wrote in short form (a practice as a bare path) is located at that short form. */
function locateNearest(layer: Layer, loc: (string | number)[]) {
  for (let n = loc.length; n >= 0; n--) {
    const at = layer.locate?.(loc.slice(0, n));
    if (at) return at;
  }
  return undefined;
}

function withoutMarkers(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('$')));
}

function warning(layer: Layer, loc: (string | number)[], path: string, message: string): ConfigProblem {
  const at = locateNearest(layer, loc) ?? { line: 1, col: 1 };
  return { file: layer.file, ...at, field: path, message, severity: 'warning' };
}
