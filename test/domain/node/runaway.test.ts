import { describe, expect, it } from 'vitest';
import {
  decideRunaways,
  EMPTY_RUNAWAYS,
  readRunawayMemory,
  runawayNotes,
  type AgentRun,
  type RunawayMemory,
} from '../../../src/domain/node/runaway.js';

const T = Date.parse('2026-01-01T12:00:00Z');
const MIN = 60_000;
const run = (role: string, key: string, ranMin: number): AgentRun => ({
  role,
  key,
  pid: 100,
  startedAt: T - ranMin * MIN,
});
const streak = (count: number) => ({ count, at: new Date(T - MIN).toISOString(), reason: 'before' });

interface Situation {
  name: string;
  runs: AgentRun[];
  limits?: Record<string, number | undefined>;
  memory?: RunawayMemory;
  stopping?: string[];
  stops: string[];
  streaks: Record<string, number>;
  watched: Record<string, string[]>;
  events?: string[];
}

const situations: Situation[] = [
  { name: 'nothing runs', runs: [], stops: [], streaks: {}, watched: {} },
  {
    name: 'a run within its limit is watched',
    runs: [run('dev', 'a', 5)],
    stops: [],
    streaks: {},
    watched: { dev: ['a'] },
  },
  {
    name: 'exactly at the limit: not yet',
    runs: [run('dev', 'a', 10)],
    stops: [],
    streaks: {},
    watched: { dev: ['a'] },
  },
  {
    name: 'past the limit: stopped, first in a row',
    runs: [run('dev', 'a', 11)],
    stops: ['a'],
    streaks: { dev: 1 },
    watched: {},
  },
  {
    name: 'a role without maxRuntime runs as long as it likes',
    runs: [run('review', 'r', 600)],
    stops: [],
    streaks: {},
    watched: { review: ['r'] },
  },
  {
    name: 'a second runaway in a row counts on',
    runs: [run('dev', 'b', 11)],
    memory: { watched: {}, streaks: { dev: streak(1) } },
    stops: ['b'],
    streaks: { dev: 2 },
    watched: {},
  },
  {
    name: 'a stop in progress is not stopped twice nor counted',
    runs: [run('dev', 'a', 12)],
    memory: { watched: {}, streaks: { dev: streak(1) } },
    stopping: ['a'],
    stops: [],
    streaks: { dev: 1 },
    watched: {},
  },
  {
    name: 'a watched run that ended on its own ends the streak',
    runs: [],
    memory: { watched: { dev: ['c'] }, streaks: { dev: streak(3) } },
    stops: [],
    streaks: {},
    watched: {},
    events: ['runaway-streak-ended'],
  },
  {
    name: 'a watched run still running keeps the streak',
    runs: [run('dev', 'c', 2)],
    memory: { watched: { dev: ['c'] }, streaks: { dev: streak(3) } },
    stops: [],
    streaks: { dev: 3 },
    watched: { dev: ['c'] },
  },
  {
    name: 'the run being stopped disappearing is not a run ending on its own',
    runs: [],
    memory: { watched: { dev: ['a'] }, streaks: { dev: streak(1) } },
    stopping: ['a'],
    stops: [],
    streaks: { dev: 1 },
    watched: {},
  },
  {
    name: 'roles count apart',
    runs: [run('dev', 'a', 11), run('review', 'r', 31)],
    limits: { dev: 10 * MIN, review: 30 * MIN },
    memory: { watched: {}, streaks: { review: streak(4) } },
    stops: ['a', 'r'],
    streaks: { dev: 1, review: 5 },
    watched: {},
  },
];

describe('decideRunaways: which runs are stopped past maxRuntime, and the streak per role', () => {
  for (const s of situations)
    it(s.name, () => {
      const d = decideRunaways({
        runs: s.runs,
        limits: s.limits ?? { dev: 10 * MIN, review: undefined },
        memory: s.memory ?? EMPTY_RUNAWAYS,
        stopping: new Set(s.stopping ?? []),
        now: T,
      });
      expect(d.stops.map((x) => x.key)).toEqual(s.stops);
      expect(Object.fromEntries(Object.entries(d.memory.streaks).map(([r, x]) => [r, x.count]))).toEqual(s.streaks);
      expect(d.memory.watched).toEqual(s.watched);
      expect(d.events.map((e) => e.kind)).toEqual(s.events ?? []);
    });

  it('says why with the figures', () => {
    const d = decideRunaways({
      runs: [run('dev', 'a', 11)],
      limits: { dev: 10 * MIN },
      memory: EMPTY_RUNAWAYS,
      stopping: new Set(),
      now: T,
    });
    expect(d.stops[0]!.reason).toBe(
      'runaway: the dev agent (pid 100) ran 11m, past its maxRuntime of 10m (1 in a row)',
    );
  });

  it('status notes name the node, the role and the count; a torn file reads as no streak', () => {
    const decision = {
      node: 'n1',
      level: 0,
      halted: [],
      reason: '',
      since: '',
      updatedAt: '',
      runaways: { dev: streak(2) },
    };
    expect(runawayNotes([decision])).toEqual([
      `node n1: dev stopped past maxRuntime 2 times in a row (last ${streak(2).at}: before)`,
    ]);
    expect(readRunawayMemory('torn')).toEqual(EMPTY_RUNAWAYS);
  });
});
