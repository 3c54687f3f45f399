import { describe, expect, it } from 'vitest';
import { DEFAULT_PEAK_MEMORY_MB } from '../../../src/domain/config/roles-schema.js';
import { level1FreeMb, placementNode } from '../../../src/domain/placement/node-input.js';
import { slotsFor } from '../../../src/domain/placement/slots.js';
import { factory, repo } from '../../support/apply-fixture.js';

const roles = {
  dev: { haltLevel: 1, command: './dev-poll.sh', nodeSelector: { disk: 'ssd' }, peakMemoryMb: 1024 },
  review: { haltLevel: 2, command: './review-poll.sh' },
  docs: { haltLevel: 3 },
  supervisor: { protected: true, command: './supervise.sh' },
};

describe('slotsFor', () => {
  it('one slot per enabled repository agent, else one per role with a command; never a protected role', () => {
    const repos = [
      repo('org/b', { agents: { dev: { nodeSelector: { size: 'large' }, peakMemoryMb: 3000 } } }),
      repo('org/a', { agents: { dev: { nodeSelector: { disk: 'nvme' } } } }),
      repo('org/c', { agents: { dev: { enabled: false } } }),
    ];
    expect(slotsFor(factory(undefined, roles), repos)).toEqual([
      { id: 'dev@org/a', role: 'dev', repo: 'org/a', nodeSelector: { disk: 'nvme' }, peakMb: 1024 },
      { id: 'dev@org/b', role: 'dev', repo: 'org/b', nodeSelector: { disk: 'ssd', size: 'large' }, peakMb: 3000 },
      { id: 'review', role: 'review', nodeSelector: {}, peakMb: DEFAULT_PEAK_MEMORY_MB },
    ]);
  });
});

describe('a node as placement takes it', () => {
  it('its level-1 line is the factory policy with its own override, in MiB available', () => {
    const config = factory({
      big: { roles: ['dev'] },
      small: { roles: ['dev'], policy: { levels: { '1': { memAvailableMb: { halt: 400, resume: 600 } } } } },
      nomem: { roles: ['dev'], policy: { levels: { '1': { memAvailableMb: null } } } },
    });
    expect(level1FreeMb(config.policy, config.nodes.big)).toBe(2000);
    expect(level1FreeMb(config.policy, config.nodes.small)).toBe(400);
    expect(level1FreeMb(config.policy, config.nodes.nomem)).toBe(0);
  });

  it('takes roles, labels and caps from factory.yaml and the rest from what was observed', () => {
    const config = factory({ vps1: { roles: ['dev'], labels: { disk: 'ssd' }, caps: { dev: 2 } } });
    const observed = { liveness: 'ready' as const, haltedRoles: {}, memAvailableMb: 3000, memTotalMb: 4000 };
    expect(placementNode('vps1', config, observed)).toEqual({
      name: 'vps1',
      roles: ['dev'],
      labels: { disk: 'ssd' },
      caps: { dev: 2 },
      level1FreeMb: 2000,
      ...observed,
    });
    expect(placementNode('elsewhere', config, observed)).toMatchObject({ roles: [], labels: {}, caps: {} });
  });
});
