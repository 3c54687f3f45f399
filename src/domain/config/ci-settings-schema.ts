import { z } from 'zod';

/**
 * The Woodpecker repository settings `reconcile` makes match (PATCH /repos/{id}, the RepoPatch
 * fields an operator sets per repository). Absent: left as the server has it.
 */
export const CiRepoSettings = z
  .strictObject({
    configFile: z
      .string()
      .optional()
      .describe('the pipeline file or folder (Woodpecker config_file; "" for the default)'),
    timeout: z.number().int().min(1).max(10_080).optional().describe('minutes a pipeline may run'),
    visibility: z.enum(['public', 'private', 'internal']).optional(),
    allowPullRequests: z.boolean().optional().describe('run pipelines for pull requests (allow_pr)'),
    allowDeploy: z.boolean().optional().describe('allow deployments (allow_deploy)'),
    requireApproval: z
      .enum(['none', 'forks', 'pull_requests', 'all_events'])
      .optional()
      .describe('which pipelines wait for a maintainer to approve them'),
    netrcTrusted: z.array(z.string().min(1)).optional().describe('plugin images that get the netrc credentials'),
  })
  .describe("the Woodpecker repository's settings, made to match by reconcile");
export type CiRepoSettings = z.infer<typeof CiRepoSettings>;
