import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { IDENTITY, makeControlRepo, sh, shAsync, type ControlRepoFixture } from '../support/control-repo.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

/** Eight writers on one branch retry each other's rejections: on a busy 2-core machine that takes a while. */
const CONTENDED = 150_000;
const FAST_GATE = (yaml: string) => yaml.replace('pullTimeout: 5s', 'pullTimeout: 1s');

describe('gate, halt and resume through a real git server on loopback', () => {
  let fixture: ControlRepoFixture;
  let server: GitServer;
  let human: string;
  let agent: string;

  beforeAll(async () => {
    const template = readFileSync(new URL('../../factory.yaml', import.meta.url), 'utf8');
    fixture = makeControlRepo({ factoryYaml: FAST_GATE(template) });
    server = await startGitServer(fixture.srv);
    human = await fixture.clone('human', `${server.url}control.git`);
    agent = await fixture.clone('agent', `${server.url}control.git`);
  });
  afterAll(async () => {
    await server.close();
    fixture.cleanup();
  });

  const gate = (...args: string[]) => factoryctl(['gate', ...args], { cwd: agent });

  it('lets a role run when nothing halts it', async () => {
    const result = await gate('dev');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('dev on test-node: run');
  });

  it('sees a halt pushed from another clone, with reason, author and time; a resume lifts it', async () => {
    const halted = await factoryctl(['halt', 'dev', '--reason', 'deploying the new runner'], { cwd: human });
    expect(halted.code, halted.stderr).toBe(0);

    const blocked = await gate('dev');
    expect(blocked.code).toBe(75);
    expect(blocked.stderr).toMatch(
      /dev on test-node: HALTED by human since \d{4}-\d\d-\d\dT.*: deploying the new runner/,
    );

    const json = JSON.parse((await gate('dev', '--json')).stdout);
    expect(json).toMatchObject({
      run: false,
      state: 'halt',
      source: 'override',
      by: 'human',
      reason: 'deploying the new runner',
    });
    expect((await gate('review')).code).toBe(0);

    const resumed = await factoryctl(['resume', 'dev'], { cwd: human });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await gate('dev')).code).toBe(0);
  });

  it('ignores an override whose --until is in the past', async () => {
    const result = await factoryctl(['halt', 'review', '--until', '2020-01-01T00:00:00Z', '--reason', 'old'], {
      cwd: human,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(sh(fixture.bare, 'git', ['show', 'main:factory-state/overrides.yaml'])).toContain(
      'until: 2020-01-01T00:00:00.000Z',
    );
    expect((await gate('review')).code).toBe(0);
  });

  it('halts one repository alone with --repo', async () => {
    expect((await factoryctl(['halt', 'dev', '--repo', 'acme/web', '--reason', 'flaky CI'], { cwd: human })).code).toBe(
      0,
    );
    expect((await gate('dev', '--repo', 'acme/web')).code).toBe(75);
    expect((await gate('dev', '--repo', 'acme/api')).code).toBe(0);
    expect((await factoryctl(['resume', 'dev', '--repo', 'acme/web'], { cwd: human })).code).toBe(0);
    expect((await gate('dev', '--repo', 'acme/web')).code).toBe(0);
  });

  it('decides from the last pulled state within its time bound when the forge stops answering', async () => {
    expect((await factoryctl(['halt', 'dev', '--reason', 'maintenance'], { cwd: human })).code).toBe(0);
    expect((await gate('dev')).code).toBe(75); // pulled while the forge answered

    server.setMode('hang');
    try {
      const cached = await gate('dev');
      expect(cached.code).toBe(75);
      expect(cached.stderr).toContain('pull timed out after 1000 ms');
      expect(cached.stderr).toContain('deciding from the state pulled');
      expect(cached.stderr).toContain('maintenance');

      // Past gate.maxStaleness (15m): heavy dev fails closed even without a halt, light review fails open.
      const stamp = join(agent, '.git', 'factoryctl', 'last-sync');
      const hourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(stamp, hourAgo, hourAgo);
      const review = await gate('review');
      expect(review.code).toBe(0);
      expect(review.stderr).toContain('light role fails open');
    } finally {
      server.setMode('up');
    }
    expect((await factoryctl(['resume', 'dev'], { cwd: human })).code).toBe(0);
    expect((await gate('dev')).code).toBe(0);
  });

  it('fails closed for a heavy role once the last good pull is older than maxStaleness', async () => {
    server.setMode('error');
    try {
      const stamp = join(agent, '.git', 'factoryctl', 'last-sync');
      const hourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(stamp, hourAgo, hourAgo);
      const dev = await gate('dev');
      expect(dev.code).toBe(75);
      expect(dev.stderr).toContain('too stale to trust');
      expect((await gate('supervisor')).code).toBe(0);
    } finally {
      server.setMode('up');
    }
    expect((await gate('dev')).code).toBe(0);
  });

  it('lands every one of many concurrent halts from two clones, with no merge commit', async () => {
    const jobs = ['a', 'b', 'c', 'd'].flatMap((n) => [
      factoryctl(['halt', 'dev', '--repo', `team/${n}`, '--reason', `human ${n}`], {
        cwd: human,
        timeoutMs: CONTENDED,
      }),
      factoryctl(['halt', 'review', '--repo', `team/${n}`, '--reason', `agent ${n}`], {
        cwd: agent,
        timeoutMs: CONTENDED,
      }),
    ]);
    const results = await Promise.all(jobs);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const overrides = sh(fixture.bare, 'git', ['show', 'main:factory-state/overrides.yaml']);
    for (const n of ['a', 'b', 'c', 'd']) {
      expect(overrides).toContain(`human ${n}`);
      expect(overrides).toContain(`agent ${n}`);
    }
    expect(sh(fixture.bare, 'git', ['rev-list', '--merges', 'main'])).toBe('');
  });

  it('keeps deciding from the last good state when an invalid factory.yaml is pushed', async () => {
    const broken = join(human, 'factory.yaml');
    await shAsync(human, 'git', ['pull', '-q', '--ff-only']);
    writeFileSync(broken, readFileSync(broken, 'utf8').replace('haltLevel: 1', 'haltLevel: nine'));
    sh(human, 'git', ['commit', '-qam', 'typo'], IDENTITY);
    await shAsync(human, 'git', ['push', '-q']);
    const result = await gate('review', '--repo', 'team/a');
    expect(result.code, result.stderr).toBe(75);
    expect(result.stderr).toContain('factory.yaml:14:16: roles.dev.haltLevel');
    expect(result.stderr).toContain('using the last good state');
  });
});

describe('a purely local control repo (no remote)', () => {
  it('gates, halts and resumes by local commits', async () => {
    const fixture = makeControlRepo();
    try {
      const dir = await fixture.clone('local', fixture.bare);
      sh(dir, 'git', ['remote', 'remove', 'origin']);
      expect((await factoryctl(['gate', 'dev'], { cwd: dir })).code).toBe(0);
      expect(
        (await factoryctl(['halt', 'dev', '--reason', 'local test'], { cwd: join(dir, 'factory-state') })).code,
      ).toBe(0);
      expect((await factoryctl(['gate', 'dev'], { cwd: dir })).code).toBe(75);
      expect(sh(dir, 'git', ['log', '-1', '--format=%s'])).toBe('halt dev on all nodes: local test');
      expect((await factoryctl(['resume', 'dev'], { cwd: dir })).code).toBe(0);
      expect((await factoryctl(['gate', 'dev'], { cwd: dir })).code).toBe(0);
    } finally {
      fixture.cleanup();
    }
  });
});
