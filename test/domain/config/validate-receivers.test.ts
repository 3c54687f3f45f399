import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../src/errors.js';
import { problemsOf, validateControlRepo, type ControlFile } from '../../../src/domain/config/validate.js';

/** A valid factory.yaml with receivers and routes; cases replace lines by number so every location can be read off. */
const FACTORY = [
  'version: 1', //                                                                  1
  'name: test-factory', //                                                          2
  'roles:', //                                                                      3
  '  dev: { haltLevel: 1, command: ./dev-poll.sh }', //                             4
  'nodes:', //                                                                      5
  '  vps1: { roles: [dev] }', //                                                    6
  'forges:', //                                                                     7
  '  codeberg: { url: "https://codeberg.org", tokenEnv: CODEBERG_TOKEN }', //       8
  'alerts:', //                                                                     9
  '  receivers:', //                                                               10
  '    phone: { type: webhook, format: ntfy, url: "https://ntfy.sh/factory" }', // 11
  '    issues: { type: forge-issue, forge: codeberg, repo: acme/ops }', //         12
  '    pager: { type: command, command: /usr/local/bin/page }', //                 13
  '  routes:', //                                                                  14
  '    - { severity: [critical], receivers: [phone, issues] }', //                 15
  '    - { receivers: [issues] }', //                                              16
];
const factory = (replace: Record<number, string> = {}): ControlFile => ({
  path: 'factory.yaml',
  text: FACTORY.map((line, i) => replace[i + 1] ?? line).join('\n') + '\n',
});
const errors = (f: ControlFile) =>
  problemsOf(validateControlRepo([f]))
    .filter((p) => p.severity === 'error')
    .map((p) => `${formatProblem(p).split(': ').slice(0, 2).join(': ')}: ${p.message}`);

describe('validate: alert receivers and routes', () => {
  it('accepts the documented forms', () => expect(errors(factory())).toEqual([]));

  it.each([
    [
      'a receiver URL that is not http(s)',
      { 11: '    phone: { type: webhook, url: "ftp://ntfy.sh/factory" }' },
      /factory.yaml:11:\d+: alerts.receivers.phone.url: only http\(s\) URLs are sent to, not ftp:/,
    ],
    [
      'a URL with a token in it: by variable name only',
      { 11: '    phone: { type: webhook, url: "https://hooks.example.org/x?token=abc" }' },
      /factory.yaml:11:\d+: alerts.receivers.phone.url: carries a token in its query: give the URL by urlEnv/,
    ],
    [
      'a URL with credentials in it',
      { 11: '    phone: { type: webhook, url: "https://me:pw@ntfy.example.org/x" }' },
      /factory.yaml:11:\d+: alerts.receivers.phone.url: holds credentials/,
    ],
    [
      'both url and urlEnv',
      { 11: '    phone: { type: webhook, url: "https://ntfy.sh/x", urlEnv: NTFY_URL }' },
      /factory.yaml:11:\d+: alerts.receivers.phone: give exactly one of url and urlEnv/,
    ],
    [
      'an unknown receiver name in a route',
      { 15: '    - { severity: [critical], receivers: [phone, phonee] }' },
      /factory.yaml:15:\d+: alerts.routes.0.receivers.1: unknown receiver "phonee" \(alerts.receivers defines: phone, issues, pager\)/,
    ],
    [
      'a forge-issue receiver on a forge not configured',
      { 12: '    issues: { type: forge-issue, forge: github, repo: acme/ops }' },
      /factory.yaml:12:\d+: alerts.receivers.issues.forge: unknown forge "github" \(forges defines: codeberg\)/,
    ],
    [
      'a header value given literally instead of by variable name',
      { 13: '    pager: { type: webhook, url: "https://x.example.org", headersEnv: { Authorization: "Bearer x" } }' },
      /factory.yaml:13:\d+: alerts.receivers.pager.headersEnv.Authorization: the NAME of an environment variable/,
    ],
  ])('%s: 78 with file, line and field', (_what, replace, expected) => {
    const found = errors(factory(replace));
    expect(
      found.some((e) => expected.test(e)),
      found.join('\n'),
    ).toBe(true);
  });
});
