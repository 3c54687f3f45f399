import { describe, expect, it } from 'vitest';
import { replaceRpcKeyLine, rpcAuthorizedKeyLine, type SshKeySpec } from '../../src/domain/node-install-ssh.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx3c3Rlc3RrZXlmb3JmYWN0b3J5Y3RsMTIzNDU2 supervisor@primary';
const BLOB = 'AAAAC3NzaC1lZDI1NTE5AAAAIGx3c3Rlc3RrZXlmb3JmYWN0b3J5Y3RsMTIzNDU2';
const spec = (over: Partial<SshKeySpec> = {}): SshKeySpec => ({
  key: KEY,
  from: ['10.0.0.1', '192.168.1.0/24'],
  controlDir: '/srv/control',
  node: 'vps-2',
  nodeBin: '/usr/bin/node',
  cli: '/opt/factoryctl/bin/factoryctl.cjs',
  env: {},
  ...over,
});

describe('rpcAuthorizedKeyLine', () => {
  it('restricts the key to its addresses and to node rpc, with absolute paths', () => {
    expect(rpcAuthorizedKeyLine(spec())).toEqual({
      ok: true,
      blob: BLOB,
      line:
        'restrict,from="10.0.0.1,192.168.1.0/24",command="/usr/bin/node /opt/factoryctl/bin/factoryctl.cjs --dir /srv/control --node vps-2 node rpc" ' +
        `ssh-ed25519 ${BLOB} factoryctl-node-rpc@vps-2`,
    });
  });

  it('passes the run directory the daemon uses, and quotes a path with a space for the shell', () => {
    const made = rpcAuthorizedKeyLine(
      spec({ controlDir: '/srv/my control', env: { FACTORY_RUN_DIR: '/run/f' }, from: [] }),
    );
    expect(made.ok && made.line).toBe(
      `restrict,command="/usr/bin/env FACTORY_RUN_DIR=/run/f /usr/bin/node /opt/factoryctl/bin/factoryctl.cjs --dir '/srv/my control' --node vps-2 node rpc" ssh-ed25519 ${BLOB} factoryctl-node-rpc@vps-2`,
    );
  });

  it.each([
    [{ key: 'not a key' }, 'not a public key'],
    [{ key: `command="sh" ${KEY}` }, 'not a public key'],
    [{ from: ['10.0.0.1"'] }, '--from'],
    [{ controlDir: '/srv/a"b' }, 'cannot put'],
    [{ controlDir: "/srv/it's" }, 'cannot put'],
    [{ node: 'a\nb' }, 'cannot put'],
  ])('refuses %j', (over, problem) => {
    const made = rpcAuthorizedKeyLine(spec(over));
    expect(made.ok).toBe(false);
    if (!made.ok) expect(made.problem).toContain(problem);
  });
});

describe('replaceRpcKeyLine', () => {
  const line = `restrict,command="x node rpc" ssh-ed25519 ${BLOB} factoryctl-node-rpc@vps-2`;
  it('appends to other keys, and a second run changes nothing', () => {
    const once = replaceRpcKeyLine('ssh-rsa AAAAB3other me@laptop\n', line, BLOB, 'vps-2');
    expect(once).toBe(`ssh-rsa AAAAB3other me@laptop\n${line}\n`);
    expect(replaceRpcKeyLine(once, line, BLOB, 'vps-2')).toBe(once);
  });
  it('replaces an unrestricted line of the same key in place: sshd would take the first', () => {
    const current = `ssh-rsa AAAAB3other me@laptop\n${KEY}\n# end\n`;
    expect(replaceRpcKeyLine(current, line, BLOB, 'vps-2')).toBe(`ssh-rsa AAAAB3other me@laptop\n${line}\n# end\n`);
  });
  it('replaces our marked line for this node when the key changed', () => {
    const old = 'restrict,command="y" ssh-ed25519 AAAAold factoryctl-node-rpc@vps-2';
    expect(replaceRpcKeyLine(`${old}\n`, line, BLOB, 'vps-2')).toBe(`${line}\n`);
  });
});
