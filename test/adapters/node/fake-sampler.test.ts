import { describe, expect, it } from 'vitest';
import { createFakeSampler, healthySample } from '../../../src/adapters/node/fake-sampler.js';

describe('createFakeSampler', () => {
  it('returns the figures it was given, stamped with the injected clock, and counts calls', async () => {
    let now = 1000;
    const sampler = createFakeSampler(() => now, { memAvailableMb: 1800 });
    expect(await sampler.sample()).toEqual({ ...healthySample(1000), memAvailableMb: 1800 });
    now = 6000;
    sampler.set({ disks: [{ mount: '/', usedPercent: 85, freeMb: 100 }] });
    expect(await sampler.sample()).toMatchObject({ at: 6000, memAvailableMb: 1800, disks: [{ usedPercent: 85 }] });
    expect(sampler.calls).toBe(2);
  });

  it('can fail and recover, like a broken /proc', async () => {
    const sampler = createFakeSampler(() => 0);
    sampler.fail(new Error('EIO'));
    await expect(sampler.sample()).rejects.toThrow('EIO');
    sampler.fail(undefined);
    await expect(sampler.sample()).resolves.toMatchObject({ memAvailableMb: 6000 });
  });

  it('hands out copies: a caller cannot change the machine by editing a sample', async () => {
    const sampler = createFakeSampler(() => 0);
    (await sampler.sample()).disks[0]!.usedPercent = 99;
    expect((await sampler.sample()).disks[0]!.usedPercent).toBe(40);
  });

  it('finds the agents it was told run, as copies', () => {
    const sampler = createFakeSampler(() => 0);
    expect(sampler.agentProcesses()).toEqual({});
    sampler.setAgents({ dev: [{ pid: 100, tree: [100, 101] }] });
    sampler.agentProcesses().dev![0]!.tree.push(999);
    expect(sampler.agentProcesses()).toEqual({ dev: [{ pid: 100, tree: [100, 101] }] });
  });
});
