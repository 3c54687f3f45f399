import { describe, expect, it } from 'vitest';
import { assignmentsFor, FALLBACK_INTERVAL_MS, tunedIntervals } from '../../src/domain/assignments.js';
import { factory, repo } from '../support/apply-fixture.js';

const M = 60_000;
const twoRepos = [
  repo('org/b', {
    agents: { dev: { enabled: true }, review: { enabled: true, command: './review-poll.sh --strict' } },
  }),
  repo('org/a', { agents: { dev: { enabled: true, schedule: { min: '5m', max: '1h' } }, review: { enabled: false } } }),
];

describe('assignmentsFor', () => {
  it.each([
    {
      situation: 'no repositories: one per role that has a command (supervisor has none)',
      node: 'n1',
      repos: [],
      schedule: {},
      expected: [
        { id: 'dev', role: 'dev', command: './dev-poll.sh', intervalMs: 2 * M },
        { id: 'review', role: 'review', command: './review-poll.sh', intervalMs: 5 * M },
      ],
    },
    {
      situation: 'repositories: one per enabled (role, repo), sorted by slug; repo command wins; repo bounds clamp',
      node: 'n1',
      repos: twoRepos,
      schedule: {},
      expected: [
        { id: 'dev@org/a', role: 'dev', repo: 'org/a', command: './dev-poll.sh', intervalMs: 5 * M },
        { id: 'dev@org/b', role: 'dev', repo: 'org/b', command: './dev-poll.sh', intervalMs: 2 * M },
        { id: 'review@org/b', role: 'review', repo: 'org/b', command: './review-poll.sh --strict', intervalMs: 5 * M },
      ],
    },
    {
      situation: "the supervisor's tuned interval wins over initial/min, still clamped by a repo's bounds",
      node: 'n1',
      repos: twoRepos,
      schedule: { dev: 90 * M, review: 7 * M },
      expected: [
        { id: 'dev@org/a', role: 'dev', repo: 'org/a', command: './dev-poll.sh', intervalMs: 60 * M },
        { id: 'dev@org/b', role: 'dev', repo: 'org/b', command: './dev-poll.sh', intervalMs: 90 * M },
        { id: 'review@org/b', role: 'review', repo: 'org/b', command: './review-poll.sh --strict', intervalMs: 7 * M },
      ],
    },
  ])('$situation', ({ node, repos, schedule, expected }) => {
    expect(assignmentsFor(node, factory(), repos, schedule as Record<string, number>)).toEqual(expected);
  });

  it("a named node runs only its entry's roles; an unnamed one takes default; no entry, nothing", () => {
    const config = factory({ default: { roles: ['dev', 'review'] }, small: { roles: ['review'] } });
    expect(assignmentsFor('small', config, twoRepos).map((a) => a.id)).toEqual(['review@org/b']);
    expect(assignmentsFor('other', config, twoRepos).map((a) => a.id)).toEqual([
      'dev@org/a',
      'dev@org/b',
      'review@org/b',
    ]);
    expect(assignmentsFor('x', factory({ only: { roles: ['dev'] } }), twoRepos)).toEqual([]);
  });

  it('a role no repository lists runs once; a role with neither command nor schedule gets the fallback interval', () => {
    const config = factory(
      { default: { roles: ['dev', 'gardener'] } },
      { dev: { command: './dev-poll.sh' }, gardener: { command: './garden.sh' } },
    );
    expect(assignmentsFor('n', config, [repo('o/r', { agents: { dev: { enabled: true } } })])).toEqual([
      { id: 'dev@o/r', role: 'dev', repo: 'o/r', command: './dev-poll.sh', intervalMs: FALLBACK_INTERVAL_MS },
      { id: 'gardener', role: 'gardener', command: './garden.sh', intervalMs: FALLBACK_INTERVAL_MS },
    ]);
  });

  it('a repository agent without a command, for a role without one, is left out', () => {
    const config = factory({ default: { roles: ['lint'] } }, { lint: {} });
    expect(assignmentsFor('n', config, [repo('o/r', { agents: { lint: { enabled: true } } })])).toEqual([]);
    expect(
      assignmentsFor('n', config, [repo('o/r', { agents: { lint: { enabled: true, command: './lint.sh' } } })]).map(
        (a) => a.command,
      ),
    ).toEqual(['./lint.sh']);
  });

  it('tunedIntervals reads the schedule state', () => {
    expect(tunedIntervals({ roles: { dev: { intervalMs: 4 * M, reason: 'r', since: 0 } } })).toEqual({ dev: 4 * M });
  });
});
