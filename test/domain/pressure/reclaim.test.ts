import { describe, expect, it } from 'vitest';
import {
  decideReclaim,
  EMPTY_RECLAIM,
  readReclaimMemory,
  reclaimNotes,
  type ReclaimDone,
  type ReclaimMemory,
} from '../../../src/domain/pressure/reclaim.js';
import { defaultPolicy, M, sample } from './pressure-fixtures.js';

const T = Date.parse('2026-01-01T12:00:00Z');
const reclaim = {
  backoff: '30m',
  memory: [{ command: 'drop-caches', timeout: '10s' }],
  disk: { '/': ['docker system prune -f --filter until=24h', { command: 'git worktree prune' }] },
};
const policy = defaultPolicy({ reclaim });

interface Situation {
  name: string;
  reading?: Parameters<typeof sample>[1];
  noSample?: boolean;
  level?: number;
  memory?: ReclaimMemory;
  running?: string[];
  without?: boolean;
  runs: string[];
}

const situations: Situation[] = [
  { name: 'healthy: nothing to reclaim', runs: [] },
  { name: 'disk crosses the level-1 line: its actions run', reading: { disk: 85 }, runs: ['disk /'] },
  { name: 'memory crosses the level-1 line: its actions run', reading: { mem: 1800 }, runs: ['memory'] },
  { name: 'both at once: each its own list', reading: { mem: 1800, disk: 85 }, runs: ['memory', 'disk /'] },
  { name: 'no sample: nothing is known, nothing runs', noSample: true, runs: [] },
  {
    name: 'the level is already engaged: not reclaimed for again',
    reading: { disk: 85 },
    level: 1,
    runs: [],
  },
  {
    name: 'engaged at 1, crossing level 2: runs (the back-off permitting)',
    reading: { disk: 92 },
    level: 1,
    runs: ['disk /'],
  },
  {
    name: 'within the back-off of the last run: not again',
    reading: { disk: 85 },
    memory: { lastRunAt: { 'disk /': T - 10 * M } },
    runs: [],
  },
  {
    name: 'past the back-off: again',
    reading: { disk: 85 },
    memory: { lastRunAt: { 'disk /': T - 31 * M } },
    runs: ['disk /'],
  },
  { name: 'still running from before: not started twice', reading: { disk: 85 }, running: ['disk /'], runs: [] },
  { name: 'no reclaim configured: nothing runs', reading: { disk: 85 }, without: true, runs: [] },
  {
    name: 'between resume and halt lines (not crossing): nothing runs',
    reading: { disk: 78 },
    runs: [],
  },
];

describe('decideReclaim: which reclaim actions run on this sample', () => {
  for (const s of situations)
    it(s.name, () => {
      const d = decideReclaim({
        policy: s.without ? defaultPolicy() : policy,
        sample: s.noSample ? undefined : sample(T, s.reading),
        level: s.level ?? 0,
        memory: s.memory ?? EMPTY_RECLAIM,
        running: new Set(s.running ?? []),
        done: [],
        now: T,
      });
      expect(d.runs.map((r) => r.signal)).toEqual(s.runs);
      for (const signal of s.runs) expect(d.memory.lastRunAt[signal]).toBe(T);
      expect(d.events.map((e) => e.kind)).toEqual(s.runs.map(() => 'reclaim-started'));
    });

  it('the actions in order, a bare command with the default bound; the reason says which line was crossed', () => {
    const d = decideReclaim({
      policy,
      sample: sample(T, { disk: 85 }),
      level: 0,
      memory: EMPTY_RECLAIM,
      running: new Set(),
      done: [],
      now: T,
    });
    expect(d.runs[0]!.actions).toEqual([
      { command: 'docker system prune -f --filter until=24h', timeoutMs: 60_000 },
      { command: 'git worktree prune', timeoutMs: 60_000 },
    ]);
    expect(d.runs[0]!.reason).toBe(
      'level 1 crossed (disk / 85% used > 80%): running 2 reclaim actions for disk / before its hold ends',
    );
  });

  const done = (d: Partial<ReclaimDone>): ReclaimDone => ({
    signal: 'disk /',
    command: 'rm old',
    code: 0,
    timedOut: false,
    ms: 1200,
    timeoutMs: 60_000,
    before: 1000,
    after: 1500,
    ...d,
  });
  it.each([
    [done({}), 'reclaim disk /: "rm old" exit 0 after 1s; freed 500 MB (1000 -> 1500 MB free)'],
    [done({ code: 3 }), 'reclaim disk /: "rm old" exit 3 after 1s; freed 500 MB (1000 -> 1500 MB free)'],
    [
      done({ code: null, timedOut: true, timeoutMs: 1000 }),
      'reclaim disk /: "rm old" killed at its 1s bound; freed 500 MB (1000 -> 1500 MB free)',
    ],
    [done({ before: undefined }), 'reclaim disk /: "rm old" exit 0 after 1s; freed: not measured'],
    [
      done({ signal: 'memory', before: 1500, after: 2200 }),
      'reclaim memory: "rm old" exit 0 after 1s; freed 700 MB (1500 -> 2200 MB available)',
    ],
  ])('an ended action is journaled with what the sample after it shows: %#', (ended, reason) => {
    const after = { ...sample(T, { mem: 2200, disk: 70 }) };
    after.disks = [{ mount: '/', usedPercent: 70, freeMb: 1500 }];
    const d = decideReclaim({
      policy,
      sample: after,
      level: 0,
      memory: EMPTY_RECLAIM,
      running: new Set(),
      done: [ended],
      now: T,
    });
    expect(d.events).toEqual([{ at: new Date(T).toISOString(), kind: 'reclaim-action', reason }]);
    expect(d.memory.last).toEqual({ at: new Date(T).toISOString(), reason });
    expect(reclaimNotes([{ node: 'n1', reclaimed: d.memory.last! }])).toEqual([
      `node n1: last ${reason} (${new Date(T).toISOString()})`,
    ]);
  });

  it('a torn reclaim.json starts afresh', () => {
    expect(readReclaimMemory(null)).toEqual(EMPTY_RECLAIM);
    expect(readReclaimMemory({ lastRunAt: { memory: 5 } })).toEqual({ lastRunAt: { memory: 5 } });
  });
});
