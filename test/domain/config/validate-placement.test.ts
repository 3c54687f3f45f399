import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../src/errors.js';
import { parseSshAddress } from '../../../src/domain/config/ssh-address.js';
import { problemsOf, validateControlRepo, type ControlFile } from '../../../src/domain/config/validate.js';

/** A valid factory.yaml with two labelled nodes; cases replace lines by number so every location can be read off. */
const FACTORY = [
  'version: 1', //                                                          1
  'name: test-factory', //                                                  2
  'roles:', //                                                              3
  '  dev: { haltLevel: 1, command: ./dev-poll.sh, peakMemoryMb: 1024 }', // 4
  '  review: { haltLevel: 2, command: ./review-poll.sh }', //               5
  '  supervisor: { protected: true }', //                                  6
  'nodes:', //                                                              7
  '  vps1:', //                                                             8
  '    roles: [dev, review, supervisor]', //                                9
  '    ssh: ops@vps1.example.org:2222', //                                 10
  '    labels: { disk: ssd, size: large }', //                             11
  '    caps: { dev: 2 }', //                                               12
  '    woodpeckerAgent: 3', //                                             13
  '  vps2:', //                                                            14
  '    roles: [dev, review]', //                                           15
  '    labels: { disk: hdd }', //                                          16
  'forges:', //                                                            17
  '  codeberg: { url: "https://codeberg.org", tokenEnv: CODEBERG_TOKEN }', // 18
];
const factory = (replace: Record<number, string | string[]> = {}, append: string[] = []): ControlFile => ({
  path: 'factory.yaml',
  text: [...FACTORY.flatMap((line, i) => replace[i + 1] ?? line), ...append].join('\n') + '\n',
});
const file = (path: string, ...lines: string[]): ControlFile => ({ path, text: lines.join('\n') + '\n' });
const assignments = (...slotLines: string[]) =>
  file('factory-state/assignments.yaml', 'decidedAt: "2026-12-02T08:00:00Z"', 'epoch: 7', 'slots:', ...slotLines);

const located = (files: ControlFile[]) => {
  const result = validateControlRepo(files);
  return problemsOf(result).map(
    (p) => `${p.severity} ${formatProblem(p).split(': ').slice(0, 2).join(': ')}: ${p.message}`,
  );
};

describe('validate: nodes, labels, caps and assignments', () => {
  it('accepts the documented forms', () => {
    const files = [
      factory({
        16: [
          '    labels: { disk: hdd }',
          '  vps3: { roles: [review], ssh: "ops@[2001:db8::1]:22", labels: { zone: "1", example.org/tier: a } }',
        ],
      }),
      file(
        'repos/acme/web.yaml',
        'forge: codeberg',
        'agents:',
        '  dev: { nodeSelector: { disk: ssd }, peakMemoryMb: 3000 }',
      ),
      assignments(
        '  dev@acme/web:',
        '    node: vps1',
        '    reason: most headroom',
        '    candidates: { vps1: { score: 1200 }, vps2: { excluded: down } }',
        '  review: { node: null, halted: true, reason: "no node qualifies" }',
      ),
    ];
    expect(located(files)).toEqual([]);
  });

  it.each([
    [
      'an SSH address without a host',
      { 10: '    ssh: "ops@"' },
      'error factory.yaml:10:10: nodes.vps1.ssh',
      'an SSH address',
    ],
    [
      'an SSH port past 65535',
      { 10: '    ssh: ops@vps1:70000' },
      'error factory.yaml:10:10: nodes.vps1.ssh',
      'user@host:port',
    ],
    [
      'an SSH address with a command in it',
      { 10: '    ssh: "ops@vps1;rm -rf /"' },
      'error factory.yaml:10:10: nodes.vps1.ssh',
      'SSH address',
    ],
    [
      'a cap below 0',
      { 12: '    caps: { dev: -1 }' },
      'error factory.yaml:12:18: nodes.vps1.caps.dev',
      'a cap is 0 or more',
    ],
    [
      'a cap that is not whole',
      { 12: '    caps: { dev: 1.5 }' },
      'error factory.yaml:12:18: nodes.vps1.caps.dev',
      'whole number',
    ],
    [
      'a cap for an unknown role',
      { 12: '    caps: { deploy: 1 }' },
      'error factory.yaml:12:21: nodes.vps1.caps.deploy',
      'unknown role "deploy"',
    ],
    [
      'a label value YAML reads as a number',
      { 16: '    labels: { disk: 64 }' },
      'error factory.yaml:16:21: nodes.vps2.labels.disk',
      'quote',
    ],
    [
      'a label key with a space',
      { 16: '    labels: { "my disk": hdd }' },
      'error factory.yaml:16:26: nodes.vps2.labels.my disk',
      'a label key',
    ],
    [
      'a Woodpecker agent id of 0',
      { 13: '    woodpeckerAgent: 0' },
      'error factory.yaml:13:22: nodes.vps1.woodpeckerAgent',
      '0',
    ],
    [
      'a peak of 0 MiB',
      { 4: '  dev: { haltLevel: 1, command: ./dev-poll.sh, peakMemoryMb: 0 }' },
      'error factory.yaml:4:62: roles.dev.peakMemoryMb',
      '1',
    ],
    [
      'a role nodeSelector with an unknown label',
      { 5: '  review: { haltLevel: 2, command: ./review-poll.sh, nodeSelector: { gpu: "yes" } }' },
      'error factory.yaml:5:75: roles.review.nodeSelector.gpu',
      'unknown label "gpu": no node in factory.yaml has it (labels used: disk, size)',
    ],
  ])('%s: 78 with the location', (_, replace, at, word) => {
    const got = located([factory(replace)]);
    expect(got.filter((p) => p.startsWith('error'))).toHaveLength(1);
    expect(got[0]).toContain(`${at}: `);
    expect(got[0]).toContain(word);
    expect(validateControlRepo([factory(replace)]).ok).toBe(false);
  });

  it('a repository agent selecting an unknown label is an error in its file; a value no node has, a warning', () => {
    const got = located([
      factory(),
      file(
        'repos/acme/web.yaml',
        'forge: codeberg',
        'agents:',
        '  dev: { nodeSelector: { gpu: a100 } }',
        '  review: { nodeSelector: { disk: nvme } }',
      ),
    ]);
    expect(got).toEqual([
      'error repos/acme/web.yaml:3:31: agents.dev.nodeSelector.gpu: unknown label "gpu": no node in factory.yaml has it (labels used: disk, size)',
      'warning repos/acme/web.yaml:4:35: agents.review.nodeSelector.disk: no node has disk=nvme (nodes have: hdd, ssd): these slots wait until one does',
    ]);
  });

  it('a node in assignments.yaml that factory.yaml does not list: 78 at the node and at the candidate', () => {
    const got = located([
      factory(),
      assignments(
        '  dev:',
        '    node: vps9',
        '    reason: most headroom',
        '    candidates:',
        '      vps1: { score: 1 }',
        '      vps7: { excluded: down }',
        '  ghost: { node: vps1, reason: r }',
      ),
    ]);
    expect(got).toEqual([
      'error factory-state/assignments.yaml:5:11: slots.dev.node: unknown node "vps9" (factory.yaml lists: vps1, vps2)',
      'error factory-state/assignments.yaml:9:13: slots.dev.candidates.vps7: unknown node "vps7" (factory.yaml lists: vps1, vps2)',
      'warning factory-state/assignments.yaml:10:10: slots.ghost: unknown role "ghost" (factory.yaml defines: dev, review, supervisor): nothing runs this slot',
    ]);
  });

  it('a gate that trusts a stale control repo longer than it takes to call a node down is a warning', () => {
    // Default heartbeat 5m: down after 10 missed, 50m. A cut node would run a moved slot for 70 minutes.
    expect(located([factory({}, ['gate: { maxStaleness: 2h }'])])).toEqual([
      'warning factory.yaml:19:23: gate.maxStaleness: 2h is not shorter than the time to call a node down (50m): a node cut off could still run a slot the leader has moved; lower it or raise supervisor.placement.downAfterMin',
    ]);
    expect(
      located([factory({}, ['gate: { maxStaleness: 2h }', 'supervisor: { placement: { mode: "off" } }'])]),
    ).toEqual([]);
  });

  it('a cap for a role the node does not run is a warning', () => {
    expect(located([factory({ 16: ['    labels: { disk: hdd }', '    caps: { supervisor: 1 }'] })])).toEqual([
      'warning factory.yaml:17:25: nodes.vps2.caps.supervisor: node "vps2" does not run role "supervisor": this cap limits nothing',
    ]);
  });
});

describe('parseSshAddress', () => {
  it.each([
    ['ops@vps1.example.org:2222', { user: 'ops', host: 'vps1.example.org', port: 2222 }],
    ['vps2', { host: 'vps2' }],
    ['root@10.0.0.2', { user: 'root', host: '10.0.0.2' }],
    ['ops@[::1]:22', { user: 'ops', host: '::1', port: 22 }],
    ['ops@', undefined],
    ['ops@vps1:0', undefined],
    ['-oProxyCommand=x', undefined],
    ['ops@vps1 ls', undefined],
  ])('%s', (text, parts) => {
    expect(parseSshAddress(text)).toEqual(parts);
  });
});
