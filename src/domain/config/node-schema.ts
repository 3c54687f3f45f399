import { z } from 'zod';
import { RoleName } from './common.js';
import { PolicyOverride } from './policy-schema.js';

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
  woodpeckerAgent: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("this machine's Woodpecker agent id: its no_schedule is set while the node is at level 2 or above"),
});
export type NodeConfig = z.infer<typeof NodeConfig>;
