// Only the response fields factoryctl reads, lenient where real servers send null (the spec never says so).
import { z } from 'zod';

const str = z
  .string()
  .nullish()
  .transform((s) => s ?? '');
const strList = z
  .array(z.string())
  .nullish()
  .transform((l) => l ?? []);

export const LabelWire = z.object({
  id: z.number(),
  name: z.string(),
  color: z.string(),
  description: str,
  exclusive: z.boolean().optional(),
});
export const PullWire = z.object({
  number: z.number(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  merged: z.boolean().nullish(),
  head: z.object({ sha: z.string() }),
  updated_at: z.string(),
});
export const IssueWire = z.object({
  number: z.number(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  labels: z.array(z.object({ name: z.string() })).nullish(),
  updated_at: z.string(),
});
export const CommentWire = z.object({ id: z.number(), body: str });
export const CombinedStatusWire = z.object({ state: str });
export const ProtectionWire = z.object({
  rule_name: str,
  branch_name: str,
  required_approvals: z.number().nullish(),
  status_check_contexts: strList,
  enable_status_check: z.boolean().nullish(),
  push_whitelist_usernames: strList,
  merge_whitelist_usernames: strList,
  enable_push_whitelist: z.boolean().nullish(),
  enable_merge_whitelist: z.boolean().nullish(),
});

export const parseList = <T extends z.ZodType>(schema: T, data: unknown): z.infer<T>[] => z.array(schema).parse(data);
