import type { AgentProcess } from '../../domain/node/agent-stop.js';
import type { Sample } from '../../domain/pressure/sample.js';
import type { Sampler } from './sampler.js';

/** An in-memory machine for tests of the node loop: set the figures, read them back as samples. */
export interface FakeSampler extends Sampler {
  /** Change some figures; later samples show them. */
  set(figures: Partial<Omit<Sample, 'at'>>): void;
  /** Make the next samples reject (a broken sampler), or recover with undefined. */
  fail(error: Error | undefined): void;
  /** The agents later samples find running, per role (what a stop at level 3 signals). */
  setAgents(found: Record<string, AgentProcess[]>): void;
  agentProcesses(): Record<string, AgentProcess[]>;
  /** How many samples were taken. */
  readonly calls: number;
}

/** A healthy 8 GB, 2-core machine with a disk 40% full. */
export function healthySample(at = 0): Sample {
  return {
    at,
    memAvailableMb: 6000,
    memTotalMb: 8000,
    swapUsedMb: 0,
    disks: [{ mount: '/', usedPercent: 40, freeMb: 30_000 }],
    load1: 0.3,
    cores: 2,
  };
}

export function createFakeSampler(now: () => number, initial: Partial<Omit<Sample, 'at'>> = {}): FakeSampler {
  let figures: Omit<Sample, 'at'> = { ...healthySample(), ...initial };
  let failure: Error | undefined;
  let calls = 0;
  let agents: Record<string, AgentProcess[]> = {};
  return {
    async sample() {
      calls += 1;
      if (failure) throw failure;
      return structuredClone({ ...figures, at: now() });
    },
    set(next) {
      figures = { ...figures, ...next };
    },
    fail(error) {
      failure = error;
    },
    setAgents(found) {
      agents = structuredClone(found);
    },
    agentProcesses: () => structuredClone(agents),
    get calls() {
      return calls;
    },
  };
}
