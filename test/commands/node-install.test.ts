import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/node-install.js';
import type { CommandContext } from '../../src/commands/context.js';
import { CRON_BEGIN, CRON_END, renderCronLines, renderSystemdUnit } from '../../src/domain/node-install.js';
import { UsageError } from '../../src/errors.js';
import { makeSigningKey } from '../support/signing-keys.js';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A control dir whose factory.yaml names two nodes, one of them in loop mode. */
function controlDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-install-'));
  temps.push(dir);
  writeFileSync(
    join(dir, 'factory.yaml'),
    'nodes:\n  default:\n    roles: [dev]\n  looper:\n    roles: [dev]\n    control: [loop]\n',
  );
  return dir;
}

function context(dir: string, node = 'vps-1', json = false) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = {
    dir,
    node,
    nodeFlag: undefined,
    dirSource: 'flag',
    json,
    env: {},
    interactive: false,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    now: () => 0,
  };
  return { ctx, out, err };
}

const spec = (dir: string, loopMode = false, node = 'vps-1') => ({
  controlDir: dir,
  node,
  user: 'agent',
  nodeBin: process.execPath,
  loopMode,
});

describe('factoryctl node install', () => {
  it("prints the unit and the cron block; --mode picks one; the node's control mode shapes the unit", async () => {
    const dir = controlDir();
    const both = context(dir);
    expect(await run(['--user', 'agent'], both.ctx)).toBe(0);
    expect(both.out.join('')).toContain(renderSystemdUnit(spec(dir)));
    expect(both.out.join('')).toContain(`${CRON_BEGIN}\n${renderCronLines(spec(dir))[0]}\n${CRON_END}\n`);

    const looper = context(dir, 'looper');
    expect(await run(['install', '--mode', 'systemd', '--user', 'agent'], looper.ctx)).toBe(0);
    expect(looper.out).toEqual([renderSystemdUnit(spec(dir, true, 'looper'))]);

    const cron = context(dir, 'vps-1', true);
    expect(await run(['--mode', 'cron', '--user', 'agent'], cron.ctx)).toBe(0);
    expect(JSON.parse(cron.out[0]!)).toEqual({
      cron: `${CRON_BEGIN}\n${renderCronLines(spec(dir))[0]}\n${CRON_END}\n`,
    });
  });

  it('--write --path writes the unit, and a second write changes nothing', async () => {
    const dir = controlDir();
    const path = join(dir, 'out', 'factoryctl-node.service');
    const first = context(dir);
    expect(await run(['--write', '--user', 'agent', '--path', path], first.ctx)).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(renderSystemdUnit(spec(dir)));
    expect(first.out).toEqual([`wrote ${path}`]);
    const second = context(dir);
    await run(['--write', '--user', 'agent', '--path', path], second.ctx);
    expect(second.out).toEqual([`unchanged: ${path}`]);
  });

  it("--write --mode cron --path sets the node block and keeps the user's lines and the agents' block", async () => {
    const dir = controlDir();
    const path = join(dir, 'crontab.txt');
    const user =
      'MAILTO=ops@example.org\n# BEGIN factoryctl\n*/10 * * * * dev-poll.sh\n# END factoryctl\n0 3 * * * backup.sh\n';
    writeFileSync(path, user);
    const { ctx, out } = context(dir, 'vps-1', true);
    expect(await run(['--write', '--mode', 'cron', '--user', 'agent', '--path', path], ctx)).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(`${user}${CRON_BEGIN}\n${renderCronLines(spec(dir))[0]}\n${CRON_END}\n`);
    expect(JSON.parse(out[0]!)).toEqual({ mode: 'cron', path, changed: true });
    const again = context(dir, 'vps-1', true);
    await run(['--write', '--mode', 'cron', '--user', 'agent', '--path', path], again.ctx);
    expect(JSON.parse(again.out[0]!)).toEqual({ mode: 'cron', path, changed: false });
  });

  it.each([[['--mode', 'upstart']], [['uninstall']], [['--bogus']]])('refuses %j as a usage error', async (args) => {
    await expect(run(args, context(controlDir()).ctx)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('node install --signing-key', () => {
  it('writes the checked key into the unit; a key that cannot sign is refused (78) and nothing is written', async () => {
    const dir = controlDir();
    const key = makeSigningKey(dir, 'vps-1');
    const unit = join(dir, 'factoryctl-node.service');
    const { ctx } = context(dir);
    expect(await run(['install', '--signing-key', key.path, '--write', '--path', unit], ctx)).toBe(0);
    expect(readFileSync(unit, 'utf8')).toContain(`Environment="FACTORYCTL_SIGNING_KEY=${key.path}"`);
    const other = join(dir, 'other.service');
    await expect(
      run(['install', '--signing-key', join(dir, 'missing.key'), '--write', '--path', other], context(dir).ctx),
    ).rejects.toMatchObject({ exitCode: 78, message: expect.stringContaining('cannot read the signing key') });
    expect(() => readFileSync(other)).toThrow();
  });
});
