import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { ConfigProblem } from '../../errors.js';

export type ParseResult<T> = { ok: true; value: T; doc: Document } | { ok: false; problems: ConfigProblem[] };

/**
 * Parses YAML text and checks it against a zod schema. Every problem is located to the
 * file, line and column of the offending node, so an operator can jump straight to it.
 */
export function parseYamlWithSchema<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
): ParseResult<z.output<S>> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lines.linePos(offset);
    return { line: pos.line, col: pos.col };
  };
  const syntax = [...doc.errors, ...doc.warnings].map((e): ConfigProblem => ({
    file,
    ...at(e.pos[0]),
    field: '',
    message: `YAML ${e.name === 'YAMLWarning' ? 'warning' : 'syntax error'}: ${e.message.split('\n')[0]}`,
    severity: e.name === 'YAMLWarning' ? 'warning' : 'error',
  }));
  if (syntax.some((p) => p.severity === 'error')) return { ok: false, problems: syntax };

  const result = schema.safeParse(doc.toJS({ maxAliasCount: 100 }) ?? {});
  if (result.success) return { ok: true, value: result.data, doc };

  const problems = result.error.issues.flatMap((issue): ConfigProblem[] => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        file,
        ...at(keyOffset(doc, path, key)),
        field: [...path, key].join('.'),
        message: `unknown key "${key}"`,
        severity: 'error',
      }));
    }
    return [{ file, ...at(valueOffset(doc, path)), field: path.join('.'), message: issue.message, severity: 'error' }];
  });
  return { ok: false, problems: [...syntax, ...problems] };
}

/** Offset of the deepest node that exists along the path (a missing key points at its parent). */
function valueOffset(doc: Document, path: (string | number)[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

function keyOffset(doc: Document, path: (string | number)[], key: string): number {
  const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return valueOffset(doc, path);
}
