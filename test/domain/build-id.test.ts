import { describe, expect, it } from 'vitest';
import { buildInfo, formatBuildInfo, parseBuildInfo, partOid, partsFromLsTree } from '../../src/domain/build-id.js';

const A = { path: 'src', oid: 'a'.repeat(40) };
const B = { path: 'package.json', oid: 'b'.repeat(40) };

describe('build identity', () => {
  it('depends on the parts, not their order', () => {
    expect(buildInfo([A, B]).id).toBe(buildInfo([B, A]).id);
    expect(buildInfo([A, B]).id).not.toBe(buildInfo([A, { ...B, oid: 'c'.repeat(40) }]).id);
    expect(buildInfo([A]).id).not.toBe(buildInfo([A, B]).id);
    expect(buildInfo([A, B]).id).toMatch(/^[0-9a-f]{20}$/);
  });

  it.each([
    ['a full file', (t: string) => t, true],
    ['an id line only (hand-made or older)', (t: string) => t.split('\n')[0]!, false],
    ['a dirty dev build', (t: string) => t.replace(/^(\w+)/, '$1+dirty'), true],
  ])('reads back %s', (_, mangle, hasParts) => {
    const info = buildInfo([A, B]);
    const parsed = parseBuildInfo(mangle(formatBuildInfo(info)));
    expect(parsed?.id.startsWith(info.id)).toBe(true);
    expect(parsed?.parts).toEqual(hasParts ? info.parts : []);
  });

  it('rejects an empty file', () => {
    expect(parseBuildInfo('')).toBeUndefined();
    expect(parseBuildInfo('\nsrc abc\n')).toBeUndefined();
  });

  it('reads git ls-tree output, paths with spaces included', () => {
    const out = `100644 blob ${B.oid}\tpackage.json\n040000 tree ${A.oid}\tsrc\n100644 blob ${'d'.repeat(40)}\tscripts/build.mjs\n`;
    expect(partsFromLsTree(out)).toEqual([B, A, { path: 'scripts/build.mjs', oid: 'd'.repeat(40) }]);
    expect(partsFromLsTree(`100644 blob ${B.oid}\ta b.json`)).toEqual([{ path: 'a b.json', oid: B.oid }]);
    expect(partOid(buildInfo([A, B]), 'package.json')).toBe(B.oid);
    expect(partOid(undefined, 'package.json')).toBeUndefined();
  });
});
