import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCrontabBlock, readCrontab } from '../../../src/adapters/node/crontab.js';
import { applyHaltFiles } from '../../../src/adapters/node/halt-files.js';
import { loadControlView } from '../../../src/adapters/control-repo/view.js';
import { loadRepos } from '../../../src/adapters/control-repo/load-repos.js';
import { assignmentsFor } from '../../../src/domain/assignments.js';
import { BEGIN_MARKER, END_MARKER, readBlock } from '../../../src/domain/crontab-block.js';
import { effectiveState } from '../../../src/domain/effective-state.js';
import { localPlan } from '../../../src/domain/local-plan.js';
import { nodePaths } from '../../../src/domain/node-paths.js';
import { BIN } from '../../support/cli.js';
import { IDENTITY, sh } from '../../support/control-repo.js';
import { holdRootCrontab, readRoot, writeRoot } from '../../support/root-crontab.js';

const TEMPLATE = new URL('../../../', import.meta.url).pathname;
const USER_LINES = [
  'MAILTO=""',
  '# my own backup, factoryctl must not touch it',
  '17 3 * * * /usr/local/bin/backup --all  # nightly',
  'SHELL=/bin/sh',
];
const SECRETS = { 'o/a': 'secret-a-%-value', 'o/b': "secret-b-'quoted'" };

let root: string;
let ctl: string;
let lock: Awaited<ReturnType<typeof holdRootCrontab>>;

beforeAll(async () => {
  lock = await holdRootCrontab();
  root = mkdtempSync(join(tmpdir(), 'factoryctl-cron-'));
  ctl = join(root, 'ctl');
  mkdirSync(join(root, 'secrets'));
  cpSync(join(TEMPLATE, 'factory.yaml'), join(ctl, 'factory.yaml'));
  cpSync(join(TEMPLATE, 'factory-state'), join(ctl, 'factory-state'), { recursive: true });
  for (const [slug, token] of Object.entries(SECRETS)) {
    const name = slug.split('/')[1]!;
    const envName = `TOKEN_${name.toUpperCase()}`;
    writeFileSync(join(root, 'secrets', `${name}.env`), `${envName}="${token}"\n`);
    mkdirSync(join(ctl, 'repos/o'), { recursive: true });
    writeFileSync(
      join(ctl, 'repos', `${slug}.yaml`),
      `forge: codeberg\nagents:\n  dev: { enabled: true }\n  review: { enabled: true }\nenv:\n  vars: [${envName}]\n  file: ${join(root, 'secrets', `${name}.env`)}\n`,
    );
  }
  // The agents record the environment they were started with, one file per (role, repo).
  for (const role of ['dev', 'review']) {
    writeFileSync(
      join(ctl, `${role}-poll.sh`),
      '#!/bin/sh\nmkdir -p "$FACTORY_RUN_DIR/out"\nenv > "$FACTORY_RUN_DIR/out/$FACTORY_ROLE@$(echo "$FACTORY_REPO" | tr / _)"\n',
    );
    chmodSync(join(ctl, `${role}-poll.sh`), 0o755);
  }
  sh(ctl, 'git', ['init', '-q', '-b', 'main']);
  sh(ctl, 'git', ['add', '-A']);
  sh(ctl, 'git', ['commit', '-qm', 'seed'], IDENTITY);
  writeRoot(`${USER_LINES.join('\n')}\n`);
});
afterAll(() => {
  lock?.release();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** What `factoryctl node` does on each pass for the crontab, with this control repo's files. */
async function applyOnce() {
  const { factory, repos } = await loadRepos(ctl);
  const { view } = await loadControlView(ctl);
  const paths = nodePaths(ctl, factory.nodes.default, {});
  const stateOf = (q: { role: string; repo?: string }) =>
    effectiveState(
      { ...q, node: 'n1' },
      { overrides: view.overrides, halts: view.halts, protectedRoles: ['supervisor'] },
      Date.now(),
    );
  const plan = localPlan({
    assignments: assignmentsFor('n1', factory, repos),
    roles: ['dev', 'review', 'supervisor'],
    stateOf,
    paths,
    cron: { controlDir: ctl, node: 'n1', nodeBin: process.execPath, cli: BIN },
  });
  applyHaltFiles(plan);
  return { ...applyCrontabBlock(plan.crontab), paths };
}

const live = (lines: string[]) => lines.filter((l) => !l.startsWith('#'));
const userPart = (text: string) => text.slice(0, text.indexOf(BEGIN_MARKER)).split('\n').filter(Boolean);

/** Runs a crontab line's command as cron would: cron's bare environment, `\%` back to `%`, /bin/sh. */
function runAsCron(line: string): { code: number; stderr: string } {
  const command = line.split(' ').slice(5).join(' ').replaceAll('\\%', '%');
  const r = spawnSync('/bin/sh', ['-c', command], {
    cwd: '/',
    env: { PATH: '/usr/bin:/bin', HOME: root, LOGNAME: 'root', SHELL: '/bin/sh' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status ?? 128, stderr: r.stderr };
}

function readEnvDump(paths: { runDir: string }, name: string): Map<string, string> {
  const text = readFileSync(join(paths.runDir, 'out', name), 'utf8');
  return new Map(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('the crontab block, against the real crontab', () => {
  it('fails loudly when crontab is missing', () => {
    expect(() => readCrontab({ crontabCommand: '/nonexistent/crontab' })).toThrow(
      /no `\/nonexistent\/crontab` on this machine/,
    );
  });

  it("issue 5: two repositories x dev and review give four marked lines with each repository's environment; halting dev for one repository disables exactly its line", async () => {
    const first = await applyOnce();
    expect(first.changed).toBe(true);
    expect((await applyOnce()).changed).toBe(false);

    const installed = readCrontab();
    expect(userPart(installed)).toEqual(USER_LINES);
    expect(installed.split('\n').filter((l) => l === BEGIN_MARKER || l === END_MARKER)).toEqual([
      BEGIN_MARKER,
      END_MARKER,
    ]);
    const block = readBlock(installed)!;
    expect(live(block)).toHaveLength(4);
    for (const secret of Object.values(SECRETS)) expect(installed).not.toContain(secret.replaceAll('%', '\\%'));
    expect(installed).not.toContain('secret-');

    // Each line, run as cron runs it, starts its agent with its repository's environment and no other's.
    for (const line of live(block)) {
      const run = runAsCron(line);
      expect(run.code, run.stderr).toBe(0);
    }
    const dumps = readdirSync(join(first.paths.runDir, 'out')).sort();
    expect(dumps).toEqual(['dev@o_a', 'dev@o_b', 'review@o_a', 'review@o_b']);
    for (const name of dumps) {
      const env = readEnvDump(first.paths, name);
      const slug = name.includes('o_a') ? 'o/a' : 'o/b';
      expect(env.get('FACTORY_REPO')).toBe(slug);
      expect(env.get('FACTORY_NODE')).toBe('n1');
      expect(env.get('FACTORY_ROLE')).toBe(name.split('@')[0]);
      expect(env.get(slug === 'o/a' ? 'TOKEN_A' : 'TOKEN_B')).toBe(SECRETS[slug]);
      expect(env.has(slug === 'o/a' ? 'TOKEN_B' : 'TOKEN_A')).toBe(false);
    }

    // Halt dev for o/a only, as `factoryctl halt dev --repo o/a` would write it.
    writeFileSync(
      join(ctl, 'factory-state/overrides.yaml'),
      `overrides:\n  - { role: dev, repo: o/a, action: halt, reason: "too many open PRs", by: alice, since: "${new Date().toISOString()}" }\n`,
    );
    expect((await applyOnce()).changed).toBe(true);
    const halted = readCrontab();
    expect(userPart(halted)).toEqual(USER_LINES);
    const haltedBlock = readBlock(halted)!;
    expect(live(haltedBlock)).toHaveLength(3);
    const gone = live(block).filter((l) => !haltedBlock.includes(l));
    expect(gone).toHaveLength(1);
    expect(gone[0]).toContain("gate 'dev' --repo 'o/a'");
    expect(haltedBlock).toContain(`# ${gone[0]}`);
    expect(haltedBlock.some((l) => l.startsWith('# halted: too many open PRs (override: alice'))).toBe(true);
    // Belt and braces: were the line run anyway (an old crontab), the gate stops it with 75.
    rmSync(join(first.paths.runDir, 'out'), { recursive: true });
    const stopped = runAsCron(gone[0]!);
    expect(stopped.code, stopped.stderr).toBe(75);
    expect(readdirSync(join(first.paths.runDir, 'halt')).sort()).toEqual(['dev@o__a']);

    // Resume restores the block byte for byte.
    writeFileSync(join(ctl, 'factory-state/overrides.yaml'), 'overrides: []\n');
    expect((await applyOnce()).changed).toBe(true);
    expect(readCrontab()).toBe(installed);
  });

  it("keeps the user's edits made between two applies, and repairs a hand-broken block", async () => {
    await applyOnce();
    const withBlock = readRoot();
    writeRoot(`${withBlock}# added later by the user\n*/5 * * * * /bin/true\n`);
    expect((await applyOnce()).changed).toBe(false);
    expect(readRoot()).toBe(`${withBlock}# added later by the user\n*/5 * * * * /bin/true\n`);

    // The user deletes a line inside the block: the next apply puts it back, theirs stays.
    const block = readBlock(readRoot())!;
    writeRoot(readRoot().replace(`${live(block)[0]!}\n`, ''));
    const r = await applyOnce();
    expect(r.changed).toBe(true);
    expect(readBlock(readRoot())).toEqual(block);
    expect(readRoot()).toContain('*/5 * * * * /bin/true');
  });

  it('a table crontab refuses is reported, and the installed one is left as it was', () => {
    const before = readRoot();
    expect(() => applyCrontabBlock(['this is not a cron line'])).toThrow(/refused the new table/);
    expect(readRoot()).toBe(before);
  });
});
