import { describe, expect, it } from 'vitest';
import type { SupervisorHalt } from '../../../src/domain/config/state-schema.js';
import type { PipelineSummary } from '../../../src/domain/ports/forge.js';
import {
  decideRedMain,
  RED_MAIN_BY,
  redMainEnabled,
  type MainObservation,
} from '../../../src/domain/supervisor/red-main.js';

const T = Date.parse('2026-01-01T12:00:00Z');
const MIN = 60_000;
const settings = { branch: 'main', grace: '15m', inARow: 2 };
/** A finished pipeline, `agoMin` minutes ago. */
const p = (number: number, status: string, agoMin = 1): PipelineSummary => ({
  number,
  status,
  createdAt: (T - (agoMin + 1) * MIN) / 1000,
  finishedAt: (T - agoMin * MIN) / 1000,
  ref: 'refs/heads/main',
});
const seen = (pipelines: PipelineSummary[], slug = 'acme/app'): MainObservation => ({
  slug,
  settings,
  pipelines,
  link: (n) => `https://ci.example/repos/7/pipeline/${n}`,
});
const halted = (slug = 'acme/app'): SupervisorHalt => ({
  role: 'dev',
  repo: slug,
  reason: 'main is red: pipeline #9',
  by: RED_MAIN_BY,
  since: new Date(T - 30 * MIN).toISOString(),
});
const other: SupervisorHalt = {
  role: 'review',
  reason: 'CI queue',
  by: 'supervisor/ci-overload',
  since: '2026-01-01T00:00:00Z',
};

interface Situation {
  name: string;
  observed: MainObservation[];
  halts?: SupervisorHalt[];
  /** The repositories with dev halted by this rule afterwards. */
  after: string[];
  decisions: number;
  notes?: number;
}

const situations: Situation[] = [
  { name: 'green main: nothing', observed: [seen([p(3, 'success')])], after: [], decisions: 0 },
  {
    name: 'one fresh failure: not yet (under inARow and grace)',
    observed: [seen([p(3, 'failure'), p(2, 'success')])],
    after: [],
    decisions: 0,
  },
  {
    name: 'two failures in a row: dev halted',
    observed: [seen([p(4, 'failure'), p(3, 'error'), p(2, 'success')])],
    after: ['acme/app'],
    decisions: 1,
  },
  {
    name: 'one failure red past the grace: dev halted',
    observed: [seen([p(3, 'failure', 20), p(2, 'success', 40)])],
    after: ['acme/app'],
    decisions: 1,
  },
  {
    name: 'a running pipeline after a red one: judged by the latest finished',
    observed: [seen([{ ...p(5, 'running'), finishedAt: undefined }, p(4, 'failure'), p(3, 'failure')])],
    after: ['acme/app'],
    decisions: 1,
  },
  {
    name: 'already halted and still red: unchanged',
    observed: [seen([p(5, 'failure'), p(4, 'failure')])],
    halts: [halted()],
    after: ['acme/app'],
    decisions: 0,
  },
  {
    name: 'green again: resumed',
    observed: [seen([p(6, 'success'), p(5, 'failure')])],
    halts: [halted()],
    after: [],
    decisions: 1,
  },
  {
    name: 'missing data never resumes',
    observed: [{ slug: 'acme/app', settings, error: 'HTTP 500' }],
    halts: [halted()],
    after: ['acme/app'],
    decisions: 0,
    notes: 1,
  },
  {
    name: 'no finished pipeline yet: nothing changes',
    observed: [seen([{ ...p(1, 'pending'), finishedAt: undefined }])],
    halts: [halted()],
    after: ['acme/app'],
    decisions: 0,
  },
  {
    name: 'a killed pipeline is neither red nor green: the halt stays',
    observed: [seen([p(6, 'killed'), p(5, 'failure')])],
    halts: [halted()],
    after: ['acme/app'],
    decisions: 0,
  },
  {
    name: 'one repository red, another green: only the red one halted',
    observed: [seen([p(4, 'failure'), p(3, 'failure')]), seen([p(9, 'success')], 'acme/web')],
    after: ['acme/app'],
    decisions: 1,
  },
  {
    name: 'a repository no longer observed (switched off): its halt lifted',
    observed: [],
    halts: [halted()],
    after: [],
    decisions: 1,
  },
];

describe('decideRedMain: a red primary branch pauses dev for that repository only', () => {
  for (const s of situations)
    it(s.name, () => {
      const d = decideRedMain(s.observed, [other, ...(s.halts ?? [])], T);
      expect(d.halts.filter((h) => h.by === RED_MAIN_BY).map((h) => h.repo)).toEqual(s.after);
      expect(d.halts).toContainEqual(other);
      expect(d.decisions).toHaveLength(s.decisions);
      expect(d.notes).toHaveLength(s.notes ?? 0);
    });

  it('the reason names the pipeline, its link, and how long main has been red', () => {
    const d = decideRedMain([seen([p(4, 'failure', 2), p(3, 'failure', 5)])], [], T);
    expect(d.halts[0]).toEqual({
      role: 'dev',
      repo: 'acme/app',
      by: RED_MAIN_BY,
      since: '2026-01-01T12:00:00Z',
      reason: 'main is red: pipeline #4 failure (2 failed in a row, red for 5m): https://ci.example/repos/7/pipeline/4',
    });
  });

  it('on by default exactly for repositories with CI; the setting wins', () => {
    const ci = { server: 'wp', repoId: 1 };
    expect(redMainEnabled({ slug: 'a/b', config: { ci } })).toBe(true);
    expect(redMainEnabled({ slug: 'a/b', config: {} })).toBe(false);
    expect(redMainEnabled({ slug: 'a/b', config: { ci, redMain: { ...settings, enabled: false } } })).toBe(false);
  });
});
