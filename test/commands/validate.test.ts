import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const TEMPLATE = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(TEMPLATE, 'bin', 'factoryctl.js');

/** The real bundled CLI, as CI runs it. */
function factoryctl(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FACTORY_DIR: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of this project's template control files, with some files replaced. */
function controlRepo(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-validate-'));
  temps.push(dir);
  // repos/ stays out: these tests are about validate, not about the template's example repository.
  for (const part of ['factory.yaml', 'factory-state'])
    cpSync(join(TEMPLATE, part), join(dir, part), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const OVERRIDE_OF = (role: string) =>
  `overrides:\n  - { role: ${role}, action: halt, reason: maintenance, by: alice, since: "2026-01-01T00:00:00Z" }\n`;

describe('factoryctl validate', () => {
  it("accepts this repository's own template (factory.yaml, factory-state/, repos/, .woodpecker/)", () => {
    const r = factoryctl(TEMPLATE, 'validate');
    expect(r.stdout.split('\n').filter((l) => l && !l.includes(': warning: '))).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('prints file:line:col: field: message for each problem and exits 78', () => {
    const dir = controlRepo({
      'factory-state/overrides.yaml': OVERRIDE_OF('supervisor'),
      'factory-state/halts.yaml': 'halts: []\nextra: 1\n',
    });
    const r = factoryctl(dir, 'validate');
    expect(r.code).toBe(78);
    expect(r.stdout.trim().split('\n')).toEqual([
      'factory-state/halts.yaml:2:1: extra: unknown key "extra"',
      'factory-state/overrides.yaml:2:13: overrides.0.role: role "supervisor" is protected and never halted: remove this entry',
    ]);
    expect(r.stderr).toContain('invalid: 2 errors');
  });

  it('a reclaim action list that is not a list of commands: 78 with the location', () => {
    const dir = controlRepo({
      'factory.yaml':
        'version: 1\nname: f\nroles: { dev: { haltLevel: 1 } }\nnodes: { default: { roles: [dev] } }\n' +
        'policy:\n  reclaim:\n    memory: docker system prune -f\n    disk:\n      /: [42]\n',
    });
    const r = factoryctl(dir, 'validate');
    expect(r.code).toBe(78);
    expect(r.stdout).toMatch(/^factory\.yaml:7:13: policy\.reclaim\.memory: a list of commands/m);
    expect(r.stdout).toMatch(/^factory\.yaml:9:11: policy\.reclaim\.disk\.\/\.0: /m);
  });

  it('--json prints { ok, problems } for CI', () => {
    const dir = controlRepo({ 'factory-state/overrides.yaml': OVERRIDE_OF('ghost') });
    const r = factoryctl(dir, 'validate', '--json');
    expect(r.code).toBe(78);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      problems: { file: string; line: number; col: number; field: string; severity: string }[];
    };
    expect(out.ok).toBe(false);
    expect(out.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.field} ${p.severity}`)).toEqual([
      'factory-state/overrides.yaml:2:13: overrides.0.role error',
    ]);
  });

  it('validates one named file against the rest of its control repo, from any folder', () => {
    const dir = controlRepo({
      'factory-state/overrides.yaml': OVERRIDE_OF('ghost'),
      'factory-state/halts.yaml': 'halts: oops\n',
    });
    const r = factoryctl(join(dir, 'factory-state'), 'validate', 'overrides.yaml');
    expect(r.code).toBe(78);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^factory-state\/overrides\.yaml:2:13: overrides\.0\.role: unknown role "ghost"/),
    ]);
  });

  it('validates a lone file outside any control repo by its path (no cross-file rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'factoryctl-lone-'));
    temps.push(dir);
    mkdirSync(join(dir, 'factory-state'));
    writeFileSync(join(dir, 'factory-state', 'overrides.yaml'), OVERRIDE_OF('ghost'));
    expect(factoryctl(dir, 'validate', 'factory-state/overrides.yaml').code).toBe(0);
    writeFileSync(join(dir, 'factory-state', 'overrides.yaml'), 'overrides:\n  - { role: dev }\n');
    const r = factoryctl(dir, 'validate', 'factory-state/overrides.yaml');
    expect(r.code).toBe(78);
    expect(r.stdout).toContain('factory-state/overrides.yaml:2:5: overrides.0.action:');
  });

  it('warnings alone exit 0', () => {
    const dir = controlRepo({ 'factory-state/notes.yaml': 'note: not read by factoryctl\n' });
    const r = factoryctl(dir, 'validate');
    expect(r.stdout).toContain('factory-state/notes.yaml:1:1: (document): warning: factoryctl does not read this file');
    expect(r.code).toBe(0);
  });

  it('a secret anywhere in a committed YAML file fails, with what to do instead', () => {
    const token = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';
    const dir = controlRepo({
      '.woodpecker/deploy.yaml': `steps:\n  - name: deploy\n    environment:\n      FORGE_TOKEN: ${token}\n`,
    });
    const r = factoryctl(dir, 'validate');
    expect(r.code).toBe(78);
    expect(r.stdout.trim()).toMatch(
      /^\.woodpecker\/deploy\.yaml:4:20: steps\.0\.environment\.FORGE_TOKEN: looks like a token .*environment variable/,
    );
  });

  it('exits 66 for a path that does not exist', () => {
    expect(factoryctl(TEMPLATE, 'validate', 'no/such/dir').code).toBe(66);
  });
});
