import { z } from 'zod';
import { Duration } from './common.js';
import { NodeSelector } from './node-labels.js';

/** A slot's peak memory until the node's sampler has measured one of its runs: a shell-and-git poll, no build. */
export const DEFAULT_PEAK_MEMORY_MB = 256;

/** Where a role's (or a repository agent's) slots may run, and what one run is expected to need. */
export const placementFields = {
  nodeSelector: NodeSelector.describe('labels a node must carry (each key with this value) to run these slots'),
  peakMemoryMb: z
    .number()
    .int()
    .min(1)
    .max(1_048_576)
    .describe(
      `MiB one run needs at its peak, used until the node's sampler has measured it (default ${DEFAULT_PEAK_MEMORY_MB})`,
    ),
};

export const ScheduleBounds = z.strictObject({
  min: Duration.describe('shortest interval between runs, used while there is work in flight'),
  max: Duration.describe('longest interval between runs, reached step by step in quiet periods'),
  initial: Duration.optional().describe('interval before the supervisor has tuned it (default: min)'),
});

export const RoleConfig = z
  .strictObject({
    description: z.string().optional(),
    /** 1 = halted first (dev), 2 = next (review), 3 = every other role. */
    haltLevel: z
      .number()
      .int()
      .min(1)
      .max(3)
      .optional()
      .describe('pressure level at which this role halts: 1 first (heaviest), 3 last. Default 3'),
    protected: z.boolean().default(false).describe('never halted (the supervisor and the node daemon)'),
    heavy: z.boolean().default(false).describe('fail closed when the control repo is too stale to trust'),
    command: z.string().optional().describe('the agent command started by cron or the loop, e.g. ./dev-poll.sh'),
    schedule: ScheduleBounds.optional(),
    maxRuntime: Duration.optional().describe(
      'a run of this role still going after this long is a runaway: SIGTERM to its process group, SIGKILL after policy.stopGrace',
    ),
    activeFile: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'a file name in the state directory, e.g. .dev-active')
      .optional()
      .describe(
        "the drop-in file that exists while this role may run, in the node's state directory (default .<role>-active); another writer's change to it is honoured and journaled",
      ),
    maxConcurrent: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('at most this many runs at once on a node, through `factoryctl gate ROLE -- COMMAND`'),
    maxConcurrentPerRepo: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('at most this many runs at once on a node for one repository (gate --repo R -- COMMAND)'),
    maxConcurrentFactory: z
      .number()
      .int()
      .min(1)
      .max(256)
      .optional()
      .describe(
        "at most this many runs at once across all nodes: each node's gate holds its share, dealt by where the supervisor places the role's slots",
      ),
    nodeSelector: placementFields.nodeSelector.optional(),
    peakMemoryMb: placementFields.peakMemoryMb.optional(),
  })
  .refine((r) => !(r.protected && r.haltLevel !== undefined), {
    message: 'a protected role is never halted: remove haltLevel or protected',
    path: ['haltLevel'],
  });

export type RoleConfig = z.infer<typeof RoleConfig>;
