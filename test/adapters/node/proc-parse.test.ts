import { describe, expect, it } from 'vitest';
import {
  agentMatchKey,
  argvMatches,
  cpuBusyPercent,
  parseCpuTimes,
  parseMeminfo,
  parseVmRssMb,
} from '../../../src/adapters/node/proc-parse.js';

describe("agentMatchKey: the word that identifies a role's processes", () => {
  it.each([
    ['./dev-poll.sh', 'dev-poll.sh'],
    ['/home/f/factory/review-poll.sh --repo a/b', 'review-poll.sh'],
    ['bash ./dev-poll.sh', 'dev-poll.sh'],
    ['FACTORY_ROLE=dev nice -n 10 ionice -c3 ./dev-poll.sh', 'dev-poll.sh'],
    ['timeout 1h node agents/dev.js', 'dev.js'],
    ['claude-agent run', 'claude-agent'],
    ['bash', undefined],
    ['', undefined],
  ])('%j -> %j', (command, key) => expect(agentMatchKey(command)).toBe(key));
});

describe('argvMatches', () => {
  it.each([
    [['./dev-poll.sh'], true],
    [['/bin/bash', '/home/f/dev-poll.sh', '--repo', 'a/b'], true],
    [['/bin/sh', '-e', './dev-poll.sh'], true],
    [['/bin/sh', '-c', './dev-poll.sh --repo a/b'], true],
    [['/bin/sh', '-c', 'cd /x && ./dev-poll.sh'], false],
    [['/bin/bash', './review-poll.sh', 'dev-poll.sh'], false],
    [['vim'], false],
    [[], false],
  ])('%j -> %s', (argv, expected) => expect(argvMatches(argv, 'dev-poll.sh')).toBe(expected));
});

describe('/proc parsers', () => {
  it('meminfo in kB -> MiB, swap used = total - free, absent -> NaN', () => {
    expect(
      parseMeminfo(
        'MemTotal:        8192000 kB\nMemFree: 1 kB\nMemAvailable:    2048000 kB\nSwapTotal: 1048576 kB\nSwapFree: 524288 kB\n',
      ),
    ).toEqual({ memTotalMb: 8000, memAvailableMb: 2000, swapUsedMb: 512 });
    expect(parseMeminfo('MemTotal: 1024 kB\n').memAvailableMb).toBeNaN();
  });

  it('stat: busy and total ticks, cores; busy % between two readings', () => {
    const a = parseCpuTimes(
      'cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 50 0 50 350 50 0 0 0 0 0\ncpu1 50 0 50 350 50 0 0 0 0 0\nintr 1 2 3\n',
    );
    expect(a).toEqual({ busy: 200, total: 1000, cores: 2 });
    const b = parseCpuTimes('cpu  260 0 180 760 100 0 0 0 0 0\ncpu0 1 0 0 0 0 0 0 0 0 0\n');
    expect(cpuBusyPercent(undefined, a)).toBeUndefined();
    expect(cpuBusyPercent(a, a)).toBeUndefined();
    expect(cpuBusyPercent(a, b)).toBe(80);
  });

  it('VmRSS in kB -> MiB; none for a zombie', () => {
    expect(parseVmRssMb('Name:\tnode\nVmRSS:\t   51200 kB\n')).toBe(50);
    expect(parseVmRssMb('Name:\tzombie\nState:\tZ\n')).toBe(0);
  });
});
