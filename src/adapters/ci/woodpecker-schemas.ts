// Only the Woodpecker response fields factoryctl reads.
import { z } from 'zod';

const optNum = z.number().nullish();

export const PipelineWire = z.object({
  number: z.number(),
  status: z.string(),
  created: z.number(),
  started: optNum,
  finished: optNum,
  ref: z.string().nullish(),
  commit: z.string().nullish(),
});

const Task = z.object({ id: z.string(), created: optNum });

export const QueueInfoWire = z.object({
  pending: z.array(Task).nullish(),
  running: z.array(Task).nullish(),
  stats: z.object({ pending_count: optNum, running_count: optNum, worker_count: optNum }).nullish(),
});

export const RepoWire = z.object({ id: z.number(), full_name: z.string() });

/** GET/PATCH /agents/{id}: the server's JSON always carries every field; a missing one reads as Go's zero value. */
export const AgentWire = z.object({
  id: z.number(),
  name: z.string().nullish(),
  no_schedule: z.boolean().nullish(),
  custom_labels: z.record(z.string(), z.string()).nullish(),
  last_contact: optNum,
});

/** GET /repos/{id}: the settings reconcile compares; a field the server leaves out reads as Go's zero value. */
export const RepoSettingsWire = z.object({
  config_file: z.string().nullish(),
  timeout: z.number().nullish(),
  visibility: z.string().nullish(),
  allow_pr: z.boolean().nullish(),
  allow_deploy: z.boolean().nullish(),
  require_approval: z.string().nullish(),
  netrc_trusted: z.array(z.string()).nullish(),
});
