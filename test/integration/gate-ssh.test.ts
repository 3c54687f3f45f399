import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, sh, shAsync, type ControlRepoFixture } from '../support/control-repo.js';
import { startSshd, type SshServer } from '../support/sshd.js';

describe('gate, halt and resume through a real sshd on loopback', () => {
  let fixture: ControlRepoFixture;
  let sshd: SshServer;
  let env: NodeJS.ProcessEnv;
  let human: string;
  let agent: string;

  beforeAll(async () => {
    fixture = makeControlRepo();
    sshd = await startSshd(); // throws, failing the file, when sshd is not installed
    env = { GIT_SSH_COMMAND: sshd.sshCommand };
    const url = sshd.url(fixture.bare);
    for (const name of ['human', 'agent']) {
      await shAsync(fixture.root, 'git', ['clone', '-q', url, name], env);
      sh(`${fixture.root}/${name}`, 'git', ['config', 'user.name', name]);
      sh(`${fixture.root}/${name}`, 'git', ['config', 'user.email', `${name}@example.org`]);
    }
    human = `${fixture.root}/human`;
    agent = `${fixture.root}/agent`;
  });
  afterAll(async () => {
    await sshd?.stop();
    fixture?.cleanup();
  });

  const cli = (cwd: string, ...args: string[]) => factoryctl(args, { cwd, env });

  it('clones over ssh:// and lets a role run with a good pull', async () => {
    expect(sh(agent, 'git', ['remote', 'get-url', 'origin'])).toBe(
      `ssh://${sshd.user}@127.0.0.1:${sshd.port}${fixture.bare}`,
    );
    const result = await cli(agent, 'gate', 'dev', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ run: true, sync: { pull: 'ok' } });
  });

  it('sees a halt pushed over SSH from another clone (exit 75); a resume lifts it', async () => {
    const halted = await cli(human, 'halt', 'dev', '--reason', 'rotating the deploy key');
    expect(halted.code, halted.stderr).toBe(0);
    expect(sh(fixture.bare, 'git', ['show', 'main:factory-state/overrides.yaml'])).toContain('rotating the deploy key');

    const blocked = await cli(agent, 'gate', 'dev');
    expect(blocked.code, blocked.stderr).toBe(75);
    expect(blocked.stderr).toMatch(
      /dev on test-node: HALTED by human since \d{4}-\d\d-\d\dT.*: rotating the deploy key/,
    );
    expect(blocked.stderr).not.toContain('deciding from the state pulled');
    expect((await cli(agent, 'gate', 'review')).code).toBe(0);

    const resumed = await cli(human, 'resume', 'dev');
    expect(resumed.code, resumed.stderr).toBe(0);
    const open = await cli(agent, 'gate', 'dev', '--json');
    expect(open.code, open.stderr).toBe(0);
    expect(JSON.parse(open.stdout)).toMatchObject({ run: true, sync: { pull: 'ok' } });
  });
});
