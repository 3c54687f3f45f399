// `factoryctl logs --agent SLOT` over a real sshd on loopback: the node's key bound to `node rpc`
// (as `node install --ssh-key` writes it), the slot's node from assignments.yaml, the log's end
// fetched over the rpc `logs` verb and never written to the control repo.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cleanupAll } from '../support/cleanup.js';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { nodeFactoryYaml } from '../support/node-fixture.js';
import { startSshd, type SshServer } from '../support/sshd.js';

describe('logs --agent over a real sshd', () => {
  let fixture: ControlRepoFixture;
  let sshd: SshServer;
  let scratch: string;
  let nodeDir: string;
  let operator: string;
  let env: NodeJS.ProcessEnv;
  const lines = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `dev run line ${from + i}\n`).join('');

  beforeAll(async () => {
    sshd = await startSshd();
    scratch = mkdtempSync(join(tmpdir(), 'factoryctl-logs-agent-'));
    const yaml = parse(nodeFactoryYaml({ policy: {} })) as Record<string, unknown>;
    yaml.nodes = {
      vps1: { roles: ['dev', 'review', 'supervisor'], ssh: `${sshd.user}@127.0.0.1:${sshd.port}` },
      vps2: { roles: ['review'] },
    };
    yaml.supervisor = { ssh: { identityFile: sshd.clientKey, knownHostsFile: join(scratch, 'known_hosts') } };
    const assignments = stringify({
      slots: {
        dev: { node: 'vps1', reason: 'most headroom', candidates: {} },
        review: { node: 'vps2', reason: 'most headroom', candidates: {} },
      },
    });
    fixture = makeControlRepo({
      factoryYaml: stringify(yaml),
      files: { 'factory-state/assignments.yaml': assignments },
    });
    nodeDir = await fixture.clone('vps1', fixture.bare);
    operator = await fixture.clone('operator', fixture.bare);
    env = { FACTORY_RUN_DIR: join(scratch, 'run'), FACTORY_STATE_DIR: join(scratch, 'state'), FACTORY_NODE: 'vps1' };
    const installed = await factoryctl(
      [
        'node',
        'install',
        '--ssh-key',
        `${sshd.clientKey}.pub`,
        '--from',
        '127.0.0.1',
        '--write',
        '--path',
        sshd.authorizedKeys,
      ],
      { cwd: nodeDir, env },
    );
    expect(installed.code, installed.stderr).toBe(0);
    const logDir = join(scratch, 'run', 'log');
    mkdirSync(logDir, { recursive: true });
    writeFileSync(join(logDir, 'dev.log.1'), lines(1, 300));
    writeFileSync(join(logDir, 'dev.log'), lines(301, 303));
  });
  afterAll(() =>
    cleanupAll([() => sshd?.stop(), () => fixture?.cleanup(), () => rmSync(scratch, { recursive: true, force: true })]),
  );
  const logs = (...args: string[]) =>
    factoryctl(['logs', ...args], { cwd: operator, env: { FACTORY_NODE: 'operator' } });

  it("prints the end of the slot's run log from the node assignments.yaml names, across a rotation", async () => {
    const r = await logs('--agent', 'dev', '--lines', '5');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(lines(299, 303));
    const json = await logs('--agent', 'dev', '--lines', '2', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ slot: 'dev', node: 'vps1', lines: 2, log: lines(302, 303) });
    // Nothing of it entered the control repo.
    expect(sh(operator, 'git', ['status', '--porcelain'])).toBe('');
  });

  it('is bounded, and says why it cannot ask', async () => {
    const all = await logs('--agent', 'dev');
    expect(all.stdout.trim().split('\n')).toHaveLength(200);
    expect(await logs('--agent', 'dev', '--lines', '99999')).toMatchObject({ code: 64 });
    const unknown = await logs('--agent', 'nosuch', '--node', 'vps1');
    expect(unknown.code).toBe(65);
    expect(unknown.stderr).toContain('logs --agent nosuch on vps1');
    const noAddress = await logs('--agent', 'review');
    expect(noAddress.code).toBe(69);
    expect(noAddress.stderr).toContain('node vps2 has no ssh address');
    const unplaced = await logs('--agent', 'dev@acme/web');
    expect(unplaced.code).toBe(64);
    expect(unplaced.stderr).toContain('not in assignments.yaml: give --node');
  });
});
