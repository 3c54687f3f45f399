import { describe, expect, it } from 'vitest';
import type { CycleReport } from '../../../src/runtime/node/daemon.js';
import { nodeHarness, SELF, type HarnessOptions, type NodeHarness } from './node-harness.js';

const S = 1000;
const halted = (h: NodeHarness) => h.haltPlans.at(-1)?.haltFiles.map((f) => f.path) ?? [];
const kinds = (r: CycleReport) => r.events.map((e) => `${e.kind}${e.role ? ` ${e.role}` : ''}`);

/** One cycle `after` ms after the previous one, with these machine figures (or mechanism trouble) first. */
interface Step {
  after?: number;
  mem?: number;
  haltFiles?: 'fail' | 'ok';
  records?: 'fail' | 'ok';
}

async function drive(h: NodeHarness, steps: Step[]): Promise<CycleReport[]> {
  const reports: CycleReport[] = [];
  for (const step of steps) {
    h.clock.now += step.after ?? 5 * S;
    if (step.mem !== undefined) h.sampler.set({ memAvailableMb: step.mem });
    if (step.haltFiles)
      h.fail('haltFiles', step.haltFiles === 'fail' ? new Error('ENOSPC: no space left on device') : undefined);
    if (step.records)
      h.fail('records', step.records === 'fail' ? new Error('EROFS: read-only file system') : undefined);
    reports.push(await h.daemon.cycle());
    await h.daemon.settle();
  }
  return reports;
}

describe('a whole node cycle, with the fake sampler and in-memory mechanisms', () => {
  it.each([
    {
      situation: 'memory falls: level 1, dev halted in the halt-file plan, journaled, committed as a change',
      options: {},
      steps: [{}, { mem: 1800 }],
      check: (h: NodeHarness, r: CycleReport[]) => {
        expect(r.map((c) => c.level)).toEqual([0, 1]);
        expect(halted(h)).toEqual(['/run/f/halt/dev']);
        expect(kinds(r[1]!)).toEqual(['level-changed', 'role-halted dev']);
        expect(r[1]!.commit).toBe('change');
        expect(h.commits.at(-1)!.message).toBe('telemetry n1: level 1: level 1: MemAvailable 1800 MB < 2000 MB');
        expect(h.records.at(-1)!.decision).toMatchObject({ node: 'n1', level: 1, halted: ['dev'] });
      },
    },
    {
      situation:
        'memory recovers: held for the resume hold and the stabilisation, then dev resumes and its halt file goes',
      options: {},
      steps: [{ mem: 1800 }, { mem: 6000 }, { mem: 6000 }, { mem: 6000 }, { mem: 6000 }],
      check: (h: NodeHarness, r: CycleReport[]) => {
        expect(r.map((c) => c.level)).toEqual([1, 1, 1, 0, 0]);
        expect(r.map((c) => c.commit)).toEqual(['change', false, false, 'change', false]);
        expect(kinds(r[3]!)).toEqual(['level-changed', 'role-resumed dev']);
        expect(halted(h)).toEqual([]);
      },
    },
    {
      situation:
        "level 3 with stopRunningAtLevel3: the halted roles' sampled agents are stopped, the supervisor and this daemon spared",
      options: { policy: { stopRunningAtLevel3: true, stopGrace: '2s' } },
      steps: [{ mem: 300 }],
      check: (h: NodeHarness, r: CycleReport[]) => {
        expect(r[0]!.level).toBe(3);
        expect(h.stops).toHaveLength(1);
        expect(h.stops[0]!.targets.map((t) => `${t.role} ${t.pid}`)).toEqual(['dev 100', 'review 200']);
        expect(h.stops[0]!.graceMs).toBe(2000);
        expect(h.stops[0]!.spared).toEqual([...SELF, 300, 301].sort((a, b) => a - b));
        expect(h.commits.at(-1)!.message).toBe('telemetry n1: agent-stopped, agent-stopped');
        expect(h.logs).toContain('level 3: stopped the running dev agent (pid 100, processes 100 101) by SIGTERM');
      },
    },
    {
      situation:
        'level 3 with stopRunningAtLevel3 in loop mode: the loop runner stops its halted children, nothing else is signalled',
      options: { control: ['loop'], policy: { stopRunningAtLevel3: true, stopGrace: '2s' } } as HarnessOptions,
      steps: [{ mem: 300 }],
      check: (h: NodeHarness) => {
        expect(h.runnerCalls).toEqual(['update dev:halt review:halt', 'tick', 'stopHalted 2000']);
        expect(h.stops).toEqual([]);
        expect(h.haltPlans).toEqual([]);
      },
    },
    {
      situation: 'level 3 without stopRunningAtLevel3: halted, nothing stopped',
      options: {},
      steps: [{ mem: 300 }],
      check: (h: NodeHarness) => {
        expect(halted(h)).toEqual(['/run/f/halt/dev', '/run/f/halt/review']);
        expect(h.stops).toEqual([]);
      },
    },
    {
      situation: 'an unchanged machine commits only when the heartbeat is due',
      options: {},
      steps: [{}, {}, { after: 60 * S }, { after: 4 * 60 * S }, {}],
      check: (h: NodeHarness, r: CycleReport[]) => {
        expect(r.map((c) => c.commit)).toEqual(['change', false, false, 'heartbeat', false]);
        expect(h.commits.map((c) => c.message.split(': ')[1])).toEqual(['level 0', 'heartbeat']);
      },
    },
    {
      situation: 'a failing mechanism is reported once (and committed as a change), then "fine again"',
      options: {},
      steps: [{}, { haltFiles: 'fail' }, {}, {}, { haltFiles: 'ok' }, {}] as Step[],
      check: (h: NodeHarness, r: CycleReport[]) => {
        expect(r.map((c) => c.problems)).toEqual([
          [],
          ['halt files: ENOSPC: no space left on device'],
          ['halt files: ENOSPC: no space left on device'],
          ['halt files: ENOSPC: no space left on device'],
          [],
          [],
        ]);
        expect(h.logs.filter((l) => l.startsWith('halt files'))).toEqual([
          'halt files: ENOSPC: no space left on device',
          'halt files: fine again',
        ]);
        expect(r.map(kinds)).toEqual([[], ['halt'], [], [], ['halt-ok'], []]);
        expect(r.map((c) => c.commit)).toEqual(['change', 'change', false, false, 'change', false]);
      },
    },
    {
      situation:
        'run files unwritable: still halted through the halt files and the crontab, reported once, then fine again',
      options: { control: ['halt-files', 'crontab'] } as HarnessOptions,
      steps: [{ records: 'fail', mem: 1800 }, { records: 'ok' }] as Step[],
      check: (h: NodeHarness, r: CycleReport[]) => {
        expect(r[0]!.problems).toEqual(['records: cannot write /run/f: EROFS: read-only file system']);
        expect(halted(h)).toEqual(['/run/f/halt/dev']);
        expect(h.crontabs[0]!.filter((l) => l.includes("gate 'dev'")).every((l) => l.startsWith('# '))).toBe(true);
        expect(h.crontabs[0]!.filter((l) => l.includes("gate 'review'")).some((l) => !l.startsWith('#'))).toBe(true);
        expect(kinds(r[0]!)).toEqual(['records', 'level-changed', 'role-halted dev']);
        expect(kinds(r[1]!)).toEqual(['records-ok']);
        expect(h.records.map((rec) => rec.decision.level)).toEqual([1]);
      },
    },
  ])('$situation', async ({ options, steps, check }) => {
    const h = await nodeHarness(options);
    h.sampler.setAgents({
      dev: [{ pid: 100, tree: [100, 101] }],
      review: [{ pid: 200, tree: [200] }],
      supervisor: [{ pid: 300, tree: [300, 301] }],
    });
    check(h, await drive(h, steps));
  });

  it('a failing sampler: no halt engages, the failure is a problem reported once, then fine again', async () => {
    const h = await nodeHarness();
    h.sampler.fail(new Error('EIO'));
    const failing = await drive(h, [{}, {}]);
    h.sampler.fail(undefined);
    const back = await drive(h, [{}]);
    expect(failing.map((c) => c.problems)).toEqual([['sampler failed: EIO'], ['sampler failed: EIO']]);
    expect(h.logs.filter((l) => l.startsWith('sampler'))).toEqual(['sampler failed: EIO', 'sampler: fine again']);
    expect(back[0]!.level).toBe(0);
  });
});
