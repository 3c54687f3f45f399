import { describe, expect, it } from 'vitest';
import { assignmentsFor } from '../../src/domain/assignments.js';
import { localPlan, type CronContext } from '../../src/domain/local-plan.js';
import { factory, haltOverride, repo, stateOfFrom } from '../support/apply-fixture.js';

const paths = { runDir: '/run/fc', stateDir: '/state' };
const cron: CronContext = { controlDir: '/ctl', node: 'n1', nodeBin: '/usr/bin/node', cli: '/ctl/bin/factoryctl.js' };
const repos = [
  repo('o/a', { agents: { dev: { enabled: true }, review: { enabled: true } }, env: { vars: ['TOKEN_A'] } }),
  repo('o/b', { agents: { dev: { enabled: true }, review: { enabled: true } } }),
];
const assignments = assignmentsFor('n1', factory(), repos);
const roles = ['dev', 'review', 'supervisor'];
const plan = (sources: Parameters<typeof stateOfFrom>[1] = {}) =>
  localPlan({ assignments, roles, stateOf: stateOfFrom('n1', sources), paths, cron });
const active = (l: string) => !l.startsWith('#');

describe('localPlan', () => {
  it.each([
    {
      situation: 'nothing halted: every role active, every line live',
      sources: {},
      halts: [],
      inactive: [],
      liveIds: ['dev@o/a', 'dev@o/b', 'review@o/a', 'review@o/b'],
    },
    {
      situation: 'dev halted role-wide: its role file, its repo files, .dev-active gone, both dev lines off',
      sources: { overrides: [haltOverride('dev')] },
      halts: ['/run/fc/halt/dev', '/run/fc/halt/dev@o__a', '/run/fc/halt/dev@o__b'],
      inactive: ['/state/.dev-active'],
      liveIds: ['review@o/a', 'review@o/b'],
    },
    {
      situation: 'dev halted for o/a only: one repo-scoped file, the role stays active, one line off',
      sources: { overrides: [haltOverride('dev', 'o/a')] },
      halts: ['/run/fc/halt/dev@o__a'],
      inactive: [],
      liveIds: ['dev@o/b', 'review@o/a', 'review@o/b'],
    },
    {
      situation: "'all' halts every role but the protected supervisor",
      sources: { halts: [{ role: 'all', reason: 'disk full', by: 'supervisor', since: '2025-06-01T12:00:00.000Z' }] },
      halts: [
        '/run/fc/halt/dev',
        '/run/fc/halt/review',
        '/run/fc/halt/dev@o__a',
        '/run/fc/halt/dev@o__b',
        '/run/fc/halt/review@o__a',
        '/run/fc/halt/review@o__b',
      ],
      inactive: ['/state/.dev-active', '/state/.review-active'],
      liveIds: [],
    },
  ])('$situation', ({ sources, halts, inactive, liveIds }) => {
    const p = plan(sources);
    expect(p.haltFiles.map((f) => f.path).sort()).toEqual([...halts].sort());
    expect(p.inactiveFiles).toEqual(inactive);
    expect([...p.activeFiles, ...p.inactiveFiles].sort()).toEqual([
      '/state/.dev-active',
      '/state/.review-active',
      '/state/.supervisor-active',
    ]);
    const live = p.crontab.filter(active);
    expect(live).toHaveLength(liveIds.length);
    for (const id of liveIds) {
      const [role, slug] = id.split('@');
      expect(live.filter((l) => l.includes(`gate '${role}' --repo '${slug}'`))).toHaveLength(1);
    }
    expect(p.crontab.filter((l) => l.startsWith('# halted: '))).toHaveLength(4 - liveIds.length);
    expect(p.problems).toEqual([]);
  });

  it('a halted line is the live line commented out byte for byte, so resume restores it exactly', () => {
    const running = plan();
    const halted = plan({ overrides: [haltOverride('dev', 'o/a', 'too many\nopen PRs')] });
    const line = running.crontab.find((l) => active(l) && l.includes("--repo 'o/a'") && l.includes("gate 'dev'"))!;
    expect(halted.crontab).toContain(`# ${line}`);
    expect(halted.crontab).not.toContain(line);
    const reason = halted.crontab.find((l) => l.startsWith('# halted: '))!;
    expect(reason).toBe('# halted: too many open PRs (override: alice since 2025-06-01T12:00:00.000Z)');
    expect(halted.crontab.filter((l) => !running.crontab.includes(l))).toEqual([reason, `# ${line}`]);
  });

  it('halt files hold small JSON saying why, who, since when and from which source', () => {
    const p = plan({ overrides: [{ ...haltOverride('dev', 'o/b'), until: '2025-06-02T00:00:00.000Z' }] });
    expect(p.haltFiles).toHaveLength(1);
    expect(JSON.parse(p.haltFiles[0]!.content)).toEqual({
      role: 'dev',
      repo: 'o/b',
      reason: 'paused by a human',
      by: 'alice',
      since: '2025-06-01T12:00:00.000Z',
      until: '2025-06-02T00:00:00.000Z',
      source: 'override',
    });
  });

  it('a line: gate, repository environment by name only, the command, output to its log; every word quoted', () => {
    const line = plan().crontab.find((l) => active(l) && l.includes("--repo 'o/a'") && l.includes("gate 'dev'"))!;
    expect(line).toMatch(/^(\*\/2|1-59\/2) \* \* \* \* cd '\/ctl' && export /);
    expect(line).toContain("FACTORY_NODE='n1' FACTORY_ROLE='dev' FACTORY_RUN_DIR='/run/fc' FACTORY_STATE_DIR='/state'");
    expect(line).toContain(
      `'/usr/bin/node' '/ctl/bin/factoryctl.js' gate 'dev' --repo 'o/a' --no-pull -- /bin/sh -c 'factoryctl_env=$('\\''/usr/bin/node'\\'' '\\''/ctl/bin/factoryctl.js'\\'' env '\\''o/a'\\'') && eval "$factoryctl_env" && ./dev-poll.sh'; } >>'/run/fc/log/dev@o__a.log' 2>&1`,
    );
    expect(line).not.toContain('TOKEN_A');
  });

  it('quotes awkward paths, escapes % for cron, and refuses a multi-line command', () => {
    const odd = [
      { id: 'dev', role: 'dev', command: "date +%s >> 'it''s'", intervalMs: 600_000 },
      { id: 'review', role: 'review', command: './a.sh\n./b.sh', intervalMs: 600_000 },
    ];
    const p = localPlan({
      assignments: odd,
      roles: [],
      stateOf: stateOfFrom('n1'),
      paths,
      cron: { ...cron, controlDir: "/srv/o'brien ctl" },
    });
    const line = p.crontab.find(active)!;
    expect(line).toContain(`cd '/srv/o'\\''brien ctl'`);
    expect(line).toContain(`/bin/sh -c 'date +\\%s >> '\\''it'\\'''\\''s'\\'''`);
    expect(line.replaceAll('\\%', '')).not.toContain('%');
    expect(p.problems).toEqual(['review: its command spans several lines; cron takes one line (put it in a script)']);
    expect(p.crontab.filter(active)).toHaveLength(1);
  });

  it('a role-wide assignment (no repositories) gets no --repo and no env', () => {
    const p = localPlan({
      assignments: assignmentsFor('n1', factory(), []),
      roles,
      stateOf: stateOfFrom('n1'),
      paths,
      cron,
    });
    const live = p.crontab.filter(active);
    expect(live).toHaveLength(2);
    for (const l of live) {
      expect(l).not.toContain('--repo');
      expect(l).not.toContain(' env ');
    }
  });
});
