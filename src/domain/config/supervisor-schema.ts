import { z } from 'zod';
import { Duration, EnvVarName, RoleName } from './common.js';
import { PlacementConfig, SupervisorSshConfig } from './placement-schema.js';

export const CiOverload = z.strictObject({
  reviewPending: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('halt review factory-wide at this many pending pipelines'),
  reviewOldestPending: Duration.default('30m').describe('... or when the oldest pending pipeline is this old'),
  devPending: z.number().int().min(1).default(20).describe('halt dev too at this many pending pipelines'),
  devOldestPending: Duration.default('1h'),
  resumeFraction: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.5)
    .describe('resume once the queue is below this fraction of the limit'),
  roles: z
    .strictObject({
      first: z.array(RoleName).describe('roles halted factory-wide past the first limit (reviewPending, ...)'),
      second: z.array(RoleName).default([]).describe('roles halted as well past the second limit (devPending, ...)'),
    })
    .optional()
    .describe(
      'which roles CI overload halts; default: the roles with haltLevel 2 past the first limit, those with haltLevel 1 past the second',
    ),
});

export const SupervisorConfig = z.strictObject({
  interval: z
    .strictObject({ min: Duration.default('1m'), max: Duration.default('15m') })
    .default({ min: '1m', max: '15m' }),
  budget: z
    .strictObject({
      requestsPer30m: z
        .number()
        .int()
        .min(1)
        .default(400)
        .describe('API calls the supervisor may spend per 30 minutes (Codeberg allows ~4000 per client)'),
    })
    .default({ requestsPer30m: 400 }),
  ciOverload: CiOverload.default({
    reviewPending: 10,
    reviewOldestPending: '30m',
    devPending: 20,
    devOldestPending: '1h',
    resumeFraction: 0.5,
  }),
  webhookSecretEnv: EnvVarName.optional().describe('environment variable holding the shared HMAC secret for webhooks'),
  alarmPoll: Duration.default('30s').describe('how often pending alarms are checked'),
  alarmCommandTimeout: Duration.default('2m').describe('time bound on the command a fired alarm runs'),
  readyLabel: z.string().min(1).default('ready').describe('the issue label that marks backlog ready for the dev agent'),
  requestTimeout: Duration.default('10s').describe(
    'time bound on each forge or CI API call; a slower answer counts as missing data',
  ),
  lease: z
    .strictObject({
      duration: Duration.default('2m').describe(
        "how long a leader's lease on branch control/lease lasts: a standby supervisor takes over this long after the leader stopped renewing",
      ),
      renewBefore: Duration.default('1m').describe(
        'the leader renews when its lease has this little left (or sooner, with every decision it pushes); keep it well under duration',
      ),
    })
    .default({ duration: '2m', renewBefore: '1m' })
    .describe('leader election between supervisors on several nodes; unused when the control repo has no remote'),
  placement: PlacementConfig.default(PlacementConfig.parse({})),
  ssh: SupervisorSshConfig.default(SupervisorSshConfig.parse({})),
});
export type SupervisorConfig = z.infer<typeof SupervisorConfig>;
