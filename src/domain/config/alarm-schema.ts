import { z } from 'zod';
import { IsoTime, RepoSlug } from './common.js';

export const AlarmKind = z.enum(['pipeline', 'pull', 'issue', 'time']);
export type AlarmKind = z.infer<typeof AlarmKind>;

/** One alarm in factory-state/alarms.yaml: wake the supervisor when a thing finishes or a time comes. */
export const Alarm = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'an id: lower case letters, digits, dot, dash, underscore')
      .describe('stable key, used by `alarm rm`'),
    kind: AlarmKind.describe('pipeline finished, pull request merged or closed, issue closed, or a point in time'),
    repo: RepoSlug.optional().describe(
      'OWNER/NAME; may be left out for a pipeline when the factory has one CI repository',
    ),
    number: z.number().int().min(1).optional().describe('pipeline, pull request or issue number'),
    at: IsoTime.optional().describe('for a time alarm: when it fires'),
    command: z
      .string()
      .min(1)
      .optional()
      .describe('a command run (by the supervisor, in the control repo) when the alarm fires'),
    createdBy: z.string().min(1),
    createdAt: IsoTime,
    note: z.string().optional().describe('why it was set, shown in STATUS.md'),
  })
  .superRefine((a, ctx) => {
    if (a.kind === 'time') {
      if (a.at === undefined) ctx.addIssue({ code: 'custom', path: ['at'], message: 'a time alarm needs `at`' });
      if (a.number !== undefined)
        ctx.addIssue({ code: 'custom', path: ['number'], message: 'a time alarm takes no `number`' });
      return;
    }
    if (a.number === undefined)
      ctx.addIssue({ code: 'custom', path: ['number'], message: `a ${a.kind} alarm needs \`number\`` });
    if (a.at !== undefined)
      ctx.addIssue({ code: 'custom', path: ['at'], message: `a ${a.kind} alarm takes no \`at\`` });
    if (a.kind !== 'pipeline' && a.repo === undefined)
      ctx.addIssue({ code: 'custom', path: ['repo'], message: `a ${a.kind} alarm needs \`repo\`` });
  });
export type Alarm = z.infer<typeof Alarm>;

/** factory-state/alarms.yaml: written by `factoryctl alarm add/rm` and by the supervisor when an alarm fires. */
export const AlarmsFile = z.strictObject({ alarms: z.array(Alarm).default([]) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.alarms.forEach((a, i) => {
    if (seen.has(a.id))
      ctx.addIssue({ code: 'custom', path: ['alarms', i, 'id'], message: `duplicate alarm id "${a.id}"` });
    seen.add(a.id);
  });
});
export type AlarmsFile = z.infer<typeof AlarmsFile>;
