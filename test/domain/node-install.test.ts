import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CRON_BEGIN,
  CRON_END,
  installSpecProblems,
  renderCronLines,
  renderSystemdUnit,
  replaceNodeBlock,
  type InstallSpec,
} from '../../src/domain/node-install.js';

const spec: InstallSpec = {
  controlDir: '/srv/factory',
  node: 'vps-1',
  user: 'agent',
  nodeBin: '/usr/bin/node',
  loopMode: false,
};
const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl install '));
  temps.push(dir);
  return dir;
};

const settings = (unit: string) => unit.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('['));

describe('systemd unit', () => {
  it('runs the daemon from the control repo, always restarted, memory bounded', () => {
    expect(settings(renderSystemdUnit(spec))).toEqual([
      'Description=factoryctl node daemon (vps-1)',
      'After=network-online.target',
      'Wants=network-online.target',
      'StartLimitIntervalSec=0',
      'Type=simple',
      'User=agent',
      'WorkingDirectory=/srv/factory',
      'Environment="FACTORY_NODE=vps-1"',
      'Environment="FACTORY_DIR=/srv/factory"',
      'ExecStart=/usr/bin/node --max-old-space-size=96 /srv/factory/bin/factoryctl.js node',
      'Restart=always',
      'RestartSec=5',
      'OOMScoreAdjust=-500',
      'MemoryHigh=160M',
      'MemoryMax=256M',
      'WantedBy=multi-user.target',
    ]);
    expect(renderSystemdUnit(spec)).toMatch(
      /# Upgrades ride on Git: .*\n(# .*\n)*# .*Restart=always starts it again on the new build/,
    );
  });

  it('in loop mode caps no cgroup memory (the agents share it) and leaves agents running on restart', () => {
    const lines = settings(renderSystemdUnit({ ...spec, loopMode: true }));
    expect(lines.filter((l) => l.startsWith('Memory'))).toEqual([]);
    expect(lines).toContain('KillMode=process');
    expect(lines.find((l) => l.startsWith('ExecStart='))).toContain('--max-old-space-size=96');
  });

  it.each([
    ['plain paths', spec],
    ['a control dir with a space and a percent sign', { ...spec, controlDir: '/srv/my factory%1', user: 'root' }],
    ['loop mode', { ...spec, loopMode: true, user: 'root' }],
  ])('is accepted by systemd-analyze verify: %s', (_, s) => {
    const dir = tempDir();
    const unit = join(dir, 'factoryctl-node.service');
    writeFileSync(unit, renderSystemdUnit({ ...s, nodeBin: process.execPath }));
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect({
      status: r.status,
      complaints: r.stderr.split('\n').filter((l) => l.includes('factoryctl-node.service')),
    }).toEqual({ status: 0, complaints: [] });
    if (s.controlDir.includes('%')) expect(readFileSync(unit, 'utf8')).toContain('WorkingDirectory=/srv/my factory%%1');
  });
});

describe('cron alternative', () => {
  it('runs one cycle a minute under flock, bounded, logged to syslog', () => {
    expect(renderCronLines(spec)).toEqual([
      '* * * * * cd /srv/factory && FACTORY_NODE=vps-1 FACTORY_DIR=/srv/factory flock -n /srv/factory/.factoryctl/node-once.lock timeout -k 30 900 /usr/bin/node /srv/factory/bin/factoryctl.js node --once 2>&1 | logger -t factoryctl-node',
    ]);
  });

  it('quotes for the shell and escapes % for cron: run as cron would, the command gets the paths intact; a second run while one holds the lock is skipped', () => {
    const dir = join(tempDir(), "it's 100% ours");
    mkdirSync(join(dir, 'bin'), { recursive: true });
    mkdirSync(join(dir, '.factoryctl'));
    // The "node" here is sh, so the command line's arguments can be seen from inside.
    writeFileSync(
      join(dir, 'bin/factoryctl.js'),
      'printf "%s|%s|%s|%s\\n" "$FACTORY_NODE" "$FACTORY_DIR" "$*" "$PWD" >> out.txt\n[ -e hold ] && sleep 3\n',
    );
    const [line] = renderCronLines({ ...spec, controlDir: dir, node: 'vps 1', nodeBin: '/bin/sh' });
    // cron runs the part after the five time fields with sh, after turning \% into %.
    const command = line!.replace(/^(\S+ ){5}/, '').replace(/\\%/g, '%');
    expect(line).not.toMatch(/[^\\]%/);
    expect(spawnSync('sh', ['-c', command]).status).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe(`vps 1|${dir}|node --once|${dir}\n`);

    writeFileSync(join(dir, 'hold'), '');
    const holder = spawnSync('sh', ['-c', `(${command}) & sleep 1; ${command}; wait`]);
    expect(holder.status).toBe(0);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it.each([
    ['an empty crontab', '', `${CRON_BEGIN}\nL1\n${CRON_END}\n`],
    [
      "user lines and the agents' block are kept",
      'MAILTO=x\n# BEGIN factoryctl\n*/5 * * * * dev\n# END factoryctl\n',
      `MAILTO=x\n# BEGIN factoryctl\n*/5 * * * * dev\n# END factoryctl\n${CRON_BEGIN}\nL1\n${CRON_END}\n`,
    ],
    [
      'an older node block is replaced in place',
      `A\n${CRON_BEGIN}\nold\n${CRON_END}\nB\n`,
      `A\n${CRON_BEGIN}\nL1\n${CRON_END}\nB\n`,
    ],
    [
      'a begin marker without end: user lines after it kept',
      `${CRON_BEGIN}\nA\n`,
      `A\n${CRON_BEGIN}\nL1\n${CRON_END}\n`,
    ],
    [
      'a stray end marker and a second block are dropped',
      `${CRON_END}\nA\n${CRON_BEGIN}\nx\n${CRON_END}\n${CRON_BEGIN}\ny\n${CRON_END}\n`,
      `A\n${CRON_BEGIN}\nL1\n${CRON_END}\n`,
    ],
  ])('block in %s', (_, before, after) => {
    expect(replaceNodeBlock(before, ['L1'])).toBe(after);
    expect(replaceNodeBlock(after, ['L1'])).toBe(after);
  });

  it('refuses names that would break a line', () => {
    expect(installSpecProblems(spec)).toEqual([]);
    expect(installSpecProblems({ ...spec, node: 'a\n* * * * * evil', user: '' })).toEqual([
      'node is empty or holds a line break',
      'user is empty or holds a line break',
    ]);
  });
});

describe('a signing key', () => {
  it("puts the node's own key in the daemon's environment, unit and crontab line alike", () => {
    const signed = { ...spec, signingKey: '/home/agent/.ssh/factoryctl node' };
    expect(settings(renderSystemdUnit(signed))).toContain(
      'Environment="FACTORYCTL_SIGNING_KEY=/home/agent/.ssh/factoryctl node"',
    );
    expect(renderCronLines(signed)[0]).toContain("FACTORYCTL_SIGNING_KEY='/home/agent/.ssh/factoryctl node' ");
    expect(renderSystemdUnit(spec)).not.toContain('FACTORYCTL_SIGNING_KEY');
    expect(installSpecProblems({ ...spec, signingKey: 'a\nb' })).toEqual(['signingKey is empty or holds a line break']);
  });
});
