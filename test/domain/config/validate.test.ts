import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../src/errors.js';
import { problemsOf, validateControlRepo, type ControlFile } from '../../../src/domain/config/validate.js';

// Fake secrets are assembled at run time so that no scanner mistakes this file for a leak.
const ghp = 'ghp_' + 'a1B2c3D4'.repeat(5);
const hex40 = '0123456789abcdef'.repeat(2) + 'deadbeef';
const jwt = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiJmYWN0b3J5In0', 'c2lnbmF0dXJlLWZha2UtMDE'].join('.');
const random = 'Xk9mP2qR7vL4nB8wT3yH6jD1';

/** A valid factory.yaml; cases replace lines by number so every location below can be read off. */
const FACTORY = [
  'version: 1', //                                            1
  'name: test-factory', //                                    2
  'roles:', //                                                3
  '  dev:', //                                                4
  '    haltLevel: 1', //                                      5
  '    heavy: true', //                                       6
  '    command: ./dev-poll.sh --label "e11d21" --every 5m', // 7
  '    schedule: { min: 2m, max: 30m }', //                   8
  '  review: { haltLevel: 2, command: ./review-poll.sh }', // 9
  '  supervisor: { protected: true }', //                    10
  'nodes:', //                                               11
  '  default:', //                                           12
  '    roles: [dev, review, supervisor]', //                 13
  'forges:', //                                              14
  '  codeberg: { url: "https://codeberg.org", tokenEnv: CODEBERG_TOKEN }', // 15
];

function factory(replace: Record<number, string | string[]> = {}, append: string[] = []): ControlFile {
  const lines = FACTORY.flatMap((line, i) => replace[i + 1] ?? line);
  return { path: 'factory.yaml', text: [...lines, ...append].join('\n') + '\n' };
}
const file = (path: string, ...lines: string[]): ControlFile => ({ path, text: lines.join('\n') + '\n' });
const override = (fields: string) =>
  file(
    'factory-state/overrides.yaml',
    'overrides:',
    `  - { ${fields}, reason: r, by: alice, since: "2026-01-01T00:00:00Z" }`,
  );

interface Case {
  name: string;
  files: ControlFile[];
  /** Every error, as `file:line:col: field`, and a word its message must contain. */
  errors: [string, string][];
}

const CASES: Case[] = [
  // broken YAML
  {
    name: 'syntax error',
    files: [factory({ 2: 'name: [unclosed' })],
    errors: [['factory.yaml:3:1: (document)', 'syntax']],
  },
  {
    name: 'duplicate key',
    files: [factory({ 2: ['name: a', 'name: b'] })],
    errors: [['factory.yaml:3:1: (document)', 'unique']],
  },
  {
    name: 'tab indentation',
    files: [factory({ 5: '\thaltLevel: 1' })],
    errors: [['factory.yaml:5:1: (document)', 'Tabs']],
  },
  // unknown keys, wrong types, out-of-range numbers, bad durations
  {
    name: 'unknown top-level key',
    files: [factory({}, ['nmae: typo'])],
    errors: [['factory.yaml:16:1: nmae', 'unknown key']],
  },
  {
    name: 'unknown nested key',
    files: [factory({ 5: '    haltlevel: 1' })],
    errors: [['factory.yaml:5:5: roles.dev.haltlevel', 'unknown key']],
  },
  {
    name: 'wrong type: yes is not a boolean',
    files: [factory({ 6: '    heavy: yes' })],
    errors: [['factory.yaml:6:12: roles.dev.heavy', 'boolean']],
  },
  {
    name: 'wrong type: version',
    files: [factory({ 1: 'version: "1"' })],
    errors: [['factory.yaml:1:10: version', '1']],
  },
  {
    name: 'out of range: haltLevel',
    files: [factory({ 5: '    haltLevel: 4' })],
    errors: [['factory.yaml:5:16: roles.dev.haltLevel', '3']],
  },
  {
    name: 'out of range: maxBranchKiB',
    files: [factory({}, ['telemetry: { maxBranchKiB: 10 }'])],
    errors: [['factory.yaml:16:28: telemetry.maxBranchKiB', '64']],
  },
  {
    name: 'bad duration',
    files: [factory({ 8: '    schedule: { min: 2 minutes, max: 30m }' })],
    errors: [['factory.yaml:8:22: roles.dev.schedule.min', 'duration']],
  },
  { name: 'missing required field', files: [factory({ 2: [] })], errors: [['factory.yaml:1:1: name', 'string']] },
  {
    name: 'resume on the wrong side of halt (schema)',
    files: [factory({}, ['policy:', '  levels:', '    "1": { memAvailableMb: { halt: 2000, resume: 1500 } }'])],
    errors: [['factory.yaml:18:50: policy.levels.1.memAvailableMb.resume', 'resume']],
  },
  {
    name: 'missing factory.yaml',
    files: [override('role: dev, action: halt')],
    errors: [['factory.yaml:1:1: (document)', 'missing']],
  },
  // secrets, each kind, located at the secret itself
  {
    name: 'GitHub token in a command',
    files: [factory({ 7: `    command: GH=${ghp} ./dev-poll.sh` })],
    errors: [['factory.yaml:7:17: roles.dev.command', 'GitHub token']],
  },
  {
    name: 'GitHub fine-grained token',
    files: [factory({ 7: `    command: "github_pat_${'x1Y2'.repeat(6)}"` })],
    errors: [['factory.yaml:7:15: roles.dev.command', 'GitHub token']],
  },
  {
    name: 'GitLab token',
    files: [factory({ 7: `    command: glpat-${'Ab1'.repeat(7)}` })],
    errors: [['factory.yaml:7:14: roles.dev.command', 'GitLab token']],
  },
  {
    name: 'Slack token',
    files: [factory({ 7: `    command: notify --token xoxb-${'1234567890'}-abcdefghij` })],
    errors: [['factory.yaml:7:29: roles.dev.command', 'Slack token']],
  },
  {
    name: 'sk- API key',
    files: [factory({ 7: `    command: 'LLM_KEY=sk-proj-${'Ab3x'.repeat(6)} ./dev-poll.sh'` })],
    errors: [['factory.yaml:7:23: roles.dev.command', 'sk-']],
  },
  {
    name: 'AWS access key id',
    files: [factory({ 7: `    command: ./dev-poll.sh AKIA${'ABCDEFGH23456789'}` })],
    errors: [['factory.yaml:7:28: roles.dev.command', 'AWS']],
  },
  {
    name: 'PEM private key in a block scalar',
    files: [
      factory({
        9: [
          '  review:',
          '    description: |',
          '      -----BEGIN RSA PRIVATE KEY-----',
          '      MIIEow',
          '    haltLevel: 2',
        ],
      }),
    ],
    errors: [['factory.yaml:11:7: roles.review.description', 'private key']],
  },
  {
    name: 'JSON Web Token',
    files: [factory({ 7: `    command: ./dev-poll.sh --ci-token ${jwt}` })],
    errors: [['factory.yaml:7:39: roles.dev.command', 'JSON Web Token']],
  },
  {
    name: 'long hex (a Forgejo token)',
    files: [factory({ 7: `    command: FORGEJO_TOKEN=${hex40} ./dev-poll.sh` })],
    errors: [['factory.yaml:7:28: roles.dev.command', 'long hex']],
  },
  {
    name: 'random-looking string',
    files: [factory({ 7: `    command: ./dev-poll.sh --key=${random}` })],
    errors: [['factory.yaml:7:34: roles.dev.command', 'random-looking']],
  },
  {
    name: 'password with a literal value',
    files: [factory({}, ['password: hunter2'])],
    errors: [
      ['factory.yaml:16:1: password', 'unknown key'],
      ['factory.yaml:16:11: password', 'literal value'],
    ],
  },
  {
    name: 'token in a comment',
    files: [factory({}, [`# old token: ${ghp}`])],
    errors: [['factory.yaml:16:14: (comment)', 'GitHub token']],
  },
  {
    name: 'secret in an unknown file',
    files: [
      factory(),
      file('.woodpecker/deploy.yaml', 'steps:', '  deploy:', '    environment:', '      API_KEY: literal-value'),
    ],
    errors: [['.woodpecker/deploy.yaml:4:16: steps.deploy.environment.API_KEY', 'literal value']],
  },
  {
    name: 'secret in an override reason',
    files: [
      factory(),
      file(
        'factory-state/overrides.yaml',
        'overrides:',
        `  - { role: dev, action: halt, reason: "leaked ${hex40}", by: bob, since: "2026-01-01T00:00:00Z" }`,
      ),
    ],
    errors: [['factory-state/overrides.yaml:2:48: overrides.0.reason', 'long hex']],
  },
  {
    name: 'schedule.yaml: both interval forms',
    files: [
      factory(),
      file(
        'factory-state/schedule.yaml',
        'roles:',
        '  dev: { interval: 2m, intervalMs: 120000, reason: busy, since: "2026-01-01T00:00:00Z" }',
      ),
    ],
    errors: [['factory-state/schedule.yaml:2:20: roles.dev.interval', 'exactly one']],
  },
  {
    name: 'alarms.yaml: a time alarm without at',
    files: [
      factory(),
      file(
        'factory-state/alarms.yaml',
        'alarms:',
        '  - { id: wake, kind: time, createdBy: alice, createdAt: "2026-01-01T00:00:00Z" }',
      ),
    ],
    errors: [['factory-state/alarms.yaml:2:5: alarms.0.at', 'needs `at`']],
  },
  // cross-file rules
  {
    name: 'node runs an unknown role',
    files: [factory({ 13: '    roles: [dev, reviews, supervisor]' })],
    errors: [['factory.yaml:13:18: nodes.default.roles.1', 'unknown role "reviews"']],
  },
  {
    name: 'override of an unknown role',
    files: [factory(), override('role: deploy, action: halt')],
    errors: [['factory-state/overrides.yaml:2:13: overrides.0.role', 'unknown role']],
  },
  {
    name: 'override halts the protected supervisor',
    files: [factory(), override('role: supervisor, action: halt')],
    errors: [['factory-state/overrides.yaml:2:13: overrides.0.role', 'protected']],
  },
  {
    name: 'supervisor halt of a protected role',
    files: [
      factory(),
      file(
        'factory-state/halts.yaml',
        'halts:',
        '  - role: supervisor',
        '    reason: ci overload',
        '    by: supervisor@vps1',
        '    since: "2026-01-01T00:00:00Z"',
      ),
    ],
    errors: [['factory-state/halts.yaml:2:11: halts.0.role', 'protected']],
  },
  {
    name: 'override of an unknown node, no default entry',
    files: [factory({ 12: '  vps1:' }), override('role: dev, node: vps2, action: halt')],
    errors: [['factory-state/overrides.yaml:2:24: overrides.0.node', 'unknown node']],
  },
  {
    name: 'override ends before it starts',
    files: [factory(), override('role: dev, action: halt, until: "2025-01-01T00:00:00Z"')],
    errors: [['factory-state/overrides.yaml:2:39: overrides.0.until', 'not after']],
  },
  {
    name: 'schedule min > max',
    files: [factory({ 8: '    schedule: { min: 1h, max: 30m }' })],
    errors: [['factory.yaml:8:22: roles.dev.schedule.min', 'longer than max']],
  },
  {
    name: 'schedule initial outside bounds',
    files: [factory({ 8: '    schedule: { min: 2m, max: 30m, initial: 1h }' })],
    errors: [['factory.yaml:8:45: roles.dev.schedule.initial', 'outside']],
  },
  {
    name: 'supervisor interval min > max',
    files: [factory({}, ['supervisor: { interval: { min: 20m, max: 15m } }'])],
    errors: [['factory.yaml:16:32: supervisor.interval.min', 'longer than max']],
  },
  {
    name: 'levels not graduated: level 2 memory halts above level 1',
    files: [
      factory({}, [
        'policy:',
        '  levels:',
        '    "1": { memAvailableMb: { halt: 1500, resume: 2000 } }',
        '    "2": { memAvailableMb: { halt: 2000, resume: 2500 } }',
      ]),
    ],
    errors: [['factory.yaml:19:36: policy.levels.2.memAvailableMb.halt', 'level 2 must be more severe']],
  },
  {
    name: 'levels not graduated: level 3 disk halts below level 2',
    files: [
      factory({}, [
        'policy:',
        '  levels:',
        '    "2": { diskUsedPercent: { halt: 90, resume: 85 } }',
        '    "3": { diskUsedPercent: { halt: 85, resume: 80 } }',
      ]),
    ],
    errors: [['factory.yaml:19:37: policy.levels.3.diskUsedPercent.halt', 'level 3 must be more severe']],
  },
  {
    name: "a node's override breaks the factory's graduation",
    files: [
      factory({
        13: [
          '    roles: [dev, review, supervisor]',
          '    policy:',
          '      levels:',
          '        "2": { memAvailableMb: { halt: 2500, resume: 3000 } }',
        ],
      }),
    ],
    errors: [['factory.yaml:16:40: nodes.default.policy.levels.2.memAvailableMb.halt', 'on node "default"']],
  },
  {
    name: 'disk threshold above 100%',
    files: [factory({}, ['policy:', '  levels:', '    "1": { diskUsedPercent: { halt: 120, resume: 75 } }'])],
    errors: [['factory.yaml:18:37: policy.levels.1.diskUsedPercent.halt', 'percentage']],
  },
  {
    name: 'repository extends a missing preset',
    files: [factory(), file('repos/acme/web.yaml', 'extends: [labels]', 'forge: codeberg')],
    errors: [['repos/acme/web.yaml:1:11: extends.0', 'missing preset']],
  },
  {
    name: 'repository names an unknown forge and role',
    files: [factory(), file('repos/acme/web.yaml', 'forge: gitea', 'agents:', '  deploy: { enabled: true }')],
    errors: [
      ['repos/acme/web.yaml:1:8: forge', 'unknown forge'],
      ['repos/acme/web.yaml:3:22: agents.deploy', 'unknown role'],
    ],
  },
  {
    name: 'a preset names an unknown forge',
    files: [factory(), file('repos/presets/base.yaml', 'forge: gitea'), file('repos/acme/web.yaml', 'extends: [base]')],
    errors: [['repos/presets/base.yaml:1:8: forge', 'unknown forge']],
  },
  {
    name: 'misplaced repository file',
    files: [factory(), file('repos/web.yaml', 'forge: codeberg')],
    errors: [['repos/web.yaml:1:1: (document)', 'misplaced']],
  },
];

describe('validateControlRepo: every bad input is located', () => {
  it.each(CASES)('$name', ({ files, errors }) => {
    const result = validateControlRepo(files);
    expect(result.ok).toBe(false);
    const got = result.ok
      ? []
      : result.errors.map((p) => [`${formatProblem(p).split(': ').slice(0, 2).join(': ')}`, p.message]);
    expect(got.map(([at]) => at)).toEqual(errors.map(([at]) => at));
    errors.forEach(([, word], i) => expect(got[i]?.[1]).toContain(word));
  });
});

describe('validateControlRepo: valid config passes', () => {
  it('accepts normal config: colours, durations, URLs, cron commands, env names, outside paths', () => {
    const result = validateControlRepo([
      factory({}, ['supervisor: { webhookSecretEnv: WEBHOOK_SECRET }']),
      file(
        'factory-state/overrides.yaml',
        'overrides:',
        '  - { role: dev, action: halt, reason: "disk full on /dev/sda1, see https://codeberg.org/acme/web/issues/42", by: alice, since: "2026-01-01T00:00:00Z" }',
      ),
      file('factory-state/halts.yaml', 'halts: []'),
      file(
        'repos/presets/labels.yaml',
        'labels:',
        '  - { name: kind/bug, color: "e11d21", description: Something is broken }',
        '  - { name: priority/high, color: "#d73a4a" }',
      ),
      file(
        'repos/acme/web.yaml',
        'extends: [labels]',
        'forge: codeberg',
        'tokenEnv: ACME_TOKEN',
        'env: { vars: [OPENAI_API_KEY], file: ~/.config/factory/acme.env }',
        'agents:',
        '  dev: { command: "*/10 * * * * cd ~/acme-web && ./dev-poll.sh >> ~/logs/dev-poll-2026-01.log 2>&1", schedule: { min: 5m, max: 1h } }',
      ),
    ]);
    expect(problemsOf(result).map(formatProblem)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('reports warnings without failing: role on no node, unknown node with a default entry, expired override, misplaced file', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const result = validateControlRepo(
      [
        factory({ 9: ['  review: { haltLevel: 2, command: ./review-poll.sh }', '  docs: { command: ./docs.sh }'] }),
        override('role: dev, node: vps9, action: halt, until: "2026-02-01T00:00:00Z"'),
        file('factory-state/notes.yaml', 'note: hello'),
        file(
          'factory-state/schedule.yaml',
          'roles:',
          '  deploy: { interval: 5m, reason: quiet, since: "2026-01-01T00:00:00Z" }',
        ),
      ],
      { now },
    );
    expect(result.ok).toBe(true);
    expect(problemsOf(result).map((p) => `${p.file}:${p.line}:${p.col}: ${p.field}`)).toEqual([
      'factory-state/notes.yaml:1:1: ',
      'factory-state/overrides.yaml:2:24: overrides.0.node',
      'factory-state/overrides.yaml:2:51: overrides.0.until',
      'factory-state/schedule.yaml:2:11: roles.deploy',
      'factory.yaml:10:9: roles.docs',
    ]);
  });

  it('reports only the named file, still checking it against the others', () => {
    const files = [factory({ 13: '    roles: [dev, ghost, supervisor]' }), override('role: ghost, action: halt')];
    const result = validateControlRepo(files, { only: 'factory-state/overrides.yaml' });
    expect(problemsOf(result).map((p) => `${p.file}:${p.line}:${p.col}: ${p.field}`)).toEqual([
      'factory-state/overrides.yaml:2:13: overrides.0.role',
    ]);
  });
});
