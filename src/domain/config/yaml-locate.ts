import { isMap, isNode, isPair, isScalar, type Document } from 'yaml';

export type YamlPath = readonly (string | number)[];

/** Maps a source offset to a 1-based line and column, as editors and `file:line:col` links count them. */
export function positionOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** Offset of the deepest node that exists along the path, so a missing key points at its parent. */
export function valueOffset(doc: Document, path: YamlPath): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

/** Offset of a key in the map at `path` (an unknown or misplaced key is reported where it is written). */
export function keyOffset(doc: Document, path: YamlPath, key: string): number {
  const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return valueOffset(doc, path);
}

export function fieldName(path: YamlPath): string {
  return path.join('.');
}
