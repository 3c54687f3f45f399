import { z } from 'zod';

/** factory.yaml agentLogs: each node rotates its agents' run logs (<runDir>/log/<slot>.log) by size. */
export const AgentLogsConfig = z.strictObject({
  maxMiB: z.number().int().min(1).default(10).describe("rotate a slot's run log once it passes this many MiB"),
  keep: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('rotated run logs kept per slot (<slot>.log.1 newest ... .log.N oldest), besides the current one'),
});
export type AgentLogsConfig = z.infer<typeof AgentLogsConfig>;
