import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readReposDir } from '../../../src/adapters/control-repo/repos-dir.js';
import { resolveAll } from '../../../src/domain/repos/resolve-all.js';

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'repos-dir-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('readReposDir', () => {
  it('reads repositories by slug and presets by name (nested too), skipping practice documents', async () => {
    const root = tree({
      'repos/o/a.yaml': 'forge: f\n',
      'repos/presets/base.yaml': 'labels: []\n',
      'repos/presets/team/strict.yaml': 'extends: [base]\n',
      'repos/presets/practices/x.md': 'text',
    });
    const r = await readReposDir(root);
    expect([...r.repos.keys()]).toEqual(['o/a']);
    expect([...r.presets.keys()].sort()).toEqual(['base', 'team/strict']);
    expect(r.problems).toEqual([]);
  });

  it.each([
    [
      'unknown key',
      { 'repos/o/a.yaml': 'forge: f\nlabels:\n  - name: bug\n    colour: "#fff000"\n' },
      'repos/o/a.yaml:4:5: labels.0.colour',
    ],
    [
      'bad colour',
      { 'repos/o/a.yaml': 'labels:\n  - { name: bug, color: red }\n' },
      'repos/o/a.yaml:2:25: labels.0.color',
    ],
    ['misplaced file', { 'repos/a.yaml': 'forge: f\n' }, 'repos/a.yaml:1:1: '],
    ['.yml', { 'repos/o/a.yml': 'forge: f\n' }, 'repos/o/a.yml:1:1: '],
  ])('locates problems: %s', async (_n, files, where) => {
    const r = await readReposDir(tree(files));
    const p = r.problems[0]!;
    expect(`${p.file}:${p.line}:${p.col}: ${p.field}`).toBe(where);
  });

  it('a resolved problem points at the line of the preset that caused it', async () => {
    const root = tree({
      'repos/o/a.yaml': 'extends: [base]\nforge: f\n',
      'repos/presets/base.yaml': '# shared\nagents:\n  dev: { weight: 2 }\n  nosuch: { weight: 1 }\n',
    });
    const r = resolveAll(await readReposDir(root), {
      forges: { f: { type: 'forgejo', url: 'https://x.org', tokenEnv: 'T' } },
      ci: {},
      roles: { dev: { protected: false, heavy: false } },
    });
    expect(r.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.field}`)).toEqual([
      'repos/presets/base.yaml:4:21: agents.nosuch',
    ]);
    expect(r.problems[0]?.message).toMatch(/unknown role "nosuch"/);
  });

  it('an unknown forge or CI server names what factory.yaml has', async () => {
    const root = tree({ 'repos/o/a.yaml': 'forge: gh\nci: { server: wp, repoId: 3 }\n' });
    const r = resolveAll(await readReposDir(root), {
      forges: { f: { type: 'forgejo', url: 'https://x.org', tokenEnv: 'T' } },
      ci: {},
      roles: {},
    });
    expect(r.problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '1:8 unknown forge "gh": factory.yaml forges has f (resolving o/a)',
      '2:15 unknown CI server "wp": factory.yaml ci has none defined (resolving o/a)',
    ]);
    expect(r.repos).toEqual([]);
  });
});
