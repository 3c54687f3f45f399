import { z } from 'zod';
import { Duration, IsoTime, RoleName } from './common.js';

/** One role's tuned interval, as the supervisor decided it and why. */
export const ScheduleEntry = z
  .strictObject({
    interval: Duration.optional().describe('time between two runs, e.g. 2m (the supervisor writes this form)'),
    intervalMs: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('the same in milliseconds (accepted for hand-written files)'),
    reason: z.string().min(1).describe('why the interval is what it is, with figures'),
    since: IsoTime.describe('when the interval last changed'),
    quietSince: IsoTime.optional().describe('start of the current quiet period; absent while work is in flight'),
  })
  .refine((e) => (e.interval === undefined) !== (e.intervalMs === undefined), {
    message: 'give exactly one of `interval` and `intervalMs`',
    path: ['interval'],
  });
export type ScheduleEntry = z.infer<typeof ScheduleEntry>;

/** factory-state/schedule.yaml: written by the leader supervisor, only when it changes. */
export const ScheduleFile = z.strictObject({
  roles: z.record(RoleName, ScheduleEntry).default({}).describe('per role, the supervisor included'),
});
export type ScheduleFile = z.infer<typeof ScheduleFile>;
