import { describe, expect, it } from 'vitest';
import { nodeSettings } from '../../../src/domain/node/node-settings.js';
import { factory } from '../../support/apply-fixture.js';

const config = factory({
  default: { roles: ['dev', 'review', 'supervisor'] },
  big: {
    roles: ['dev'],
    control: ['crontab', 'loop'],
    runDir: '/var/run/f',
    policy: { sampleInterval: '2s', mounts: ['/', '/data'] },
  },
});
const input = { controlDir: '/srv/control', env: {} };

describe('nodeSettings', () => {
  it.each([
    {
      situation: 'a node not listed: the default entry, halt files, the factory policy, paths in the control repo',
      node: 'n9',
      intervalMs: undefined,
      expected: {
        nodeRoles: ['dev', 'review', 'supervisor'],
        control: ['halt-files'],
        intervalMs: 5000,
        runDir: '/srv/control/.factoryctl/run',
        mounts: ['/'],
      },
    },
    {
      situation: 'a listed node: its roles, control, run directory and policy override',
      node: 'big',
      intervalMs: undefined,
      expected: {
        nodeRoles: ['dev'],
        control: ['crontab', 'loop'],
        intervalMs: 2000,
        runDir: '/var/run/f',
        mounts: ['/', '/data'],
      },
    },
    {
      situation: '--interval replaces policy.sampleInterval',
      node: 'big',
      intervalMs: 300,
      expected: {
        nodeRoles: ['dev'],
        control: ['crontab', 'loop'],
        intervalMs: 300,
        runDir: '/var/run/f',
        mounts: ['/', '/data'],
      },
    },
  ])('$situation', ({ node, intervalMs, expected }) => {
    const s = nodeSettings(config, { ...input, node, ...(intervalMs ? { intervalMs } : {}) });
    expect({
      nodeRoles: s.nodeRoles,
      control: s.control,
      intervalMs: s.intervalMs,
      runDir: s.paths.runDir,
      mounts: s.sampler.mounts,
    }).toEqual(expected);
    expect(s.pullTimeoutMs).toBe(5000);
    expect(s.heartbeatMs).toBe(5 * 60_000);
  });

  it('keys the sampler on what it measures: the same config the same key, another mount or agent command another', () => {
    const key = (c: typeof config, node = 'big') => nodeSettings(c, { ...input, node }).sampler.key;
    expect(key(config)).toBe(key(factory({ ...config.nodes })));
    expect(key(config)).not.toBe(key(config, 'n9'));
    const otherCommand = {
      ...config,
      roles: { ...config.roles, dev: { ...config.roles.dev!, command: './other.sh' } },
    };
    expect(key(otherCommand)).not.toBe(key(config));
    expect(nodeSettings(config, { ...input, node: 'big' }).sampler.roleCommands).toEqual({
      dev: './dev-poll.sh',
      review: './review-poll.sh',
      supervisor: undefined,
    });
  });
});
