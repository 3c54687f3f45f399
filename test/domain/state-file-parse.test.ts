import { describe, expect, it } from 'vitest';
import { CONTROL_PATHS } from '../../src/domain/control-paths.js';
import { parseOverridesYaml, renderOverridesYaml } from '../../src/domain/overrides-file.js';
import { parseAlarmsYaml, renderAlarmsYaml } from '../../src/domain/supervisor/alarms-file.js';
import { parseHaltsYaml, renderHaltsYaml } from '../../src/domain/supervisor/halts-file.js';
import { parseScheduleYaml, renderScheduleYaml } from '../../src/domain/supervisor/schedule-file.js';
import { STATE_PATHS } from '../../src/domain/supervisor/state-files.js';
import { CONTROL_FILES } from '../../src/domain/control-view.js';
import { FILE_KINDS } from '../../src/domain/config/file-registry.js';

const SINCE = '2026-03-02T08:00:00Z';
const override = { role: 'dev', action: 'halt' as const, reason: 'deploy', by: 'ops', since: SINCE };
const halt = { role: 'review', node: 'n1', reason: 'ci overload', by: 'supervisor', since: SINCE };
const alarm = { id: 'pipeline-9', kind: 'pipeline' as const, number: 9, createdBy: 'ops', createdAt: SINCE };
const schedule = { roles: { dev: { intervalMs: 120_000, reason: 'quiet', since: Date.parse(SINCE) } } };

describe('one parse and one render per state file', () => {
  // [file, parse, text, expected: the value, or the path every problem is located in]
  const rows: [string, (t: string | undefined) => { ok: boolean }, string | undefined, object][] = [
    ['overrides: missing is empty', parseOverridesYaml, undefined, { ok: true, value: [] }],
    ['overrides: blank is empty', parseOverridesYaml, '  \n', { ok: true, value: [] }],
    ['overrides: round trip', parseOverridesYaml, renderOverridesYaml([override]), { ok: true, value: [override] }],
    [
      'overrides: invalid, located errors',
      parseOverridesYaml,
      'overrides: [{ role: dev }]\n',
      {
        ok: false,
        problems: expect.arrayContaining([
          expect.objectContaining({ file: CONTROL_PATHS.overrides, severity: 'error' }),
        ]),
      },
    ],
    ['halts: missing is empty', parseHaltsYaml, undefined, { ok: true, value: [] }],
    ['halts: round trip', parseHaltsYaml, renderHaltsYaml([halt]), { ok: true, value: [halt] }],
    [
      'halts: invalid',
      parseHaltsYaml,
      'halts: [ {role: 1} ]\n',
      { ok: false, problems: expect.arrayContaining([expect.objectContaining({ file: CONTROL_PATHS.halts })]) },
    ],
    ['alarms: missing is empty', parseAlarmsYaml, undefined, { ok: true, value: [] }],
    ['alarms: round trip', parseAlarmsYaml, renderAlarmsYaml([alarm]), { ok: true, value: [alarm] }],
    [
      'alarms: YAML syntax error',
      parseAlarmsYaml,
      'alarms: [\n',
      { ok: false, problems: expect.arrayContaining([expect.objectContaining({ file: CONTROL_PATHS.alarms })]) },
    ],
    ['schedule: missing is no tuned role', parseScheduleYaml, undefined, { ok: true, value: { roles: {} } }],
    ['schedule: round trip', parseScheduleYaml, renderScheduleYaml(schedule), { ok: true, value: schedule }],
    [
      'schedule: both interval forms',
      parseScheduleYaml,
      `roles:\n  dev: { interval: 2m, intervalMs: 120000, reason: x, since: ${SINCE} }\n`,
      { ok: false, problems: expect.arrayContaining([expect.objectContaining({ file: CONTROL_PATHS.schedule })]) },
    ],
  ];
  it.each(rows)('%s', (_, parse, text, expected) => {
    const parsed = parse(text);
    expect(parsed).toMatchObject(expected);
    if (!parsed.ok)
      expect(
        (parsed as unknown as { problems: { severity: string }[] }).problems.every((p) => p.severity === 'error'),
      ).toBe(true);
  });
});

describe('one table of control-repo paths', () => {
  it('the gate, the supervisor and validate name each file from it', () => {
    for (const [part, path] of Object.entries(CONTROL_FILES))
      expect(path).toBe(CONTROL_PATHS[part as keyof typeof CONTROL_PATHS]);
    for (const [name, path] of Object.entries(STATE_PATHS))
      expect(path).toBe(CONTROL_PATHS[name as keyof typeof CONTROL_PATHS]);
    for (const kind of FILE_KINDS)
      if (kind.name in CONTROL_PATHS) expect(kind.pattern).toBe(CONTROL_PATHS[kind.name as keyof typeof CONTROL_PATHS]);
  });
});
