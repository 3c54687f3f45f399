import { z } from 'zod';
import { RoleName } from './common.js';
import { Labels } from './node-labels.js';
import { PolicyOverride } from './policy-schema.js';
import { SshAddressText } from './ssh-address.js';

export const ControlMode = z.enum(['halt-files', 'crontab', 'loop']);

export const NodeConfig = z.strictObject({
  description: z.string().optional(),
  roles: z.array(RoleName).describe('roles this node runs'),
  runDir: z
    .string()
    .optional()
    .describe(
      'halt files go to <runDir>/halt/<role> (FACTORY_RUN_DIR wins); default .factoryctl/run in the control repo',
    ),
  stateDir: z
    .string()
    .optional()
    .describe('drop-in files <stateDir>/.<role>-active (FACTORY_STATE_DIR wins); default .factoryctl/state'),
  control: z.array(ControlMode).default(['halt-files']).describe('how halts reach the agents'),
  policy: PolicyOverride.optional().describe('per-node overrides of the resource policy'),
  ssh: SshAddressText.optional().describe(
    'user@host[:port] (or host) where the supervisor kicks this node over SSH; without it the node only pulls',
  ),
  labels: Labels.optional().describe(
    'key: value pairs a slot can select with nodeSelector, e.g. { disk: ssd, size: large }; keys like Kubernetes labels',
  ),
  caps: z
    .record(
      RoleName,
      z.number({ error: 'a cap is a whole number of agents' }).int('a cap is a whole number of agents').min(0, {
        error: 'a cap is 0 or more agents of that role at once (0: none here)',
      }),
    )
    .optional()
    .describe('per role, at most this many of its agent slots on this node at once; no entry: no limit'),
  woodpeckerAgent: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("this machine's Woodpecker agent id: its no_schedule is set while the node is at level 2 or above"),
});
export type NodeConfig = z.infer<typeof NodeConfig>;
