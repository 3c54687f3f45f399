import { z } from 'zod';
import { Duration, EnvVarName, RepoSlug } from './common.js';
import { AlertSeverity } from './alerts-state-schema.js';

/**
 * Where alerts go (factory.yaml `alerts.receivers` and `alerts.routes`). URLs and tokens can be secrets, so
 * anything that may carry one is named by an environment variable (as forges' tokenEnv), never written here.
 */

/** Query keys whose value is a credential: such a URL must come from an environment variable. */
const SECRET_QUERY = /^(?:token|access_token|auth|key|api_?key|secret|password|sig|signature)$/i;

/** Why a literal webhook URL may not be committed, or undefined when it may. */
export function webhookUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `only http(s) URLs are sent to, not ${url.protocol}`;
  if (url.username || url.password) return 'holds credentials: give the URL by urlEnv (an environment variable name)';
  if ([...url.searchParams.keys()].some((k) => SECRET_QUERY.test(k)))
    return 'carries a token in its query: give the URL by urlEnv (an environment variable name)';
  return undefined;
}

const WebhookUrl = z.string().superRefine((s, ctx) => {
  const problem = webhookUrlProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const WebhookReceiver = z
  .strictObject({
    type: z.literal('webhook').describe('POST to a URL: ntfy, or any webhook that takes JSON'),
    url: WebhookUrl.optional().describe('where to POST, http(s); one without a secret in it (else urlEnv)'),
    urlEnv: EnvVarName.optional().describe('the variable that holds the URL, when it carries a token'),
    format: z
      .enum(['ntfy', 'json'])
      .default('json')
      .describe('ntfy: Title/Priority/Tags headers and a text body; json: the notification as JSON'),
    headersEnv: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'), EnvVarName)
      .default({})
      .describe('header name -> the variable holding its value, e.g. Authorization: NTFY_AUTH'),
  })
  .refine((r) => (r.url === undefined) !== (r.urlEnv === undefined), {
    message: 'give exactly one of url and urlEnv',
  });

export const ForgeIssueReceiver = z.strictObject({
  type: z.literal('forge-issue').describe('one forge issue per alert, closed when it resolves'),
  forge: z.string().min(1).describe('a forge named in factory.yaml `forges`'),
  repo: RepoSlug.describe('OWNER/NAME of the repository the issues are opened in'),
  labels: z.array(z.string().min(1)).min(1).default(['factory-alert']).describe('labels of each alert issue'),
});

export const CommandReceiver = z.strictObject({
  type: z.literal('command').describe('run a program on the machine that sends'),
  command: z.string().min(1).describe('the program run on this machine; the notification is JSON on its stdin'),
  args: z.array(z.string()).default([]).describe("the program's arguments (no shell)"),
});

export const ReceiverConfig = z.discriminatedUnion('type', [WebhookReceiver, ForgeIssueReceiver, CommandReceiver]);
export type ReceiverConfig = z.infer<typeof ReceiverConfig>;
export type WebhookReceiver = z.infer<typeof WebhookReceiver>;
export type ForgeIssueReceiver = z.infer<typeof ForgeIssueReceiver>;
export type CommandReceiver = z.infer<typeof CommandReceiver>;

/**
 * Which receivers get an alert: the first route that matches wins. A route matches when the alert's
 * severity is one listed (none listed: any) and every label given is equal; a route with neither is the default.
 */
export const RouteConfig = z.strictObject({
  severity: z.array(AlertSeverity).optional().describe('any of these severities (absent: any)'),
  labels: z.record(z.string(), z.string()).optional().describe('every one of these labels equal (absent: any)'),
  receivers: z.array(z.string().min(1)).min(1).describe('receiver names'),
});
export type RouteConfig = z.infer<typeof RouteConfig>;

/** `alerts.watch`: the nodes watching the supervisor, and the leader's ping to something outside the factory. */
export const WatchConfig = z.strictObject({
  supervisorDownAfter: Duration.default('10m').describe(
    'a node raises "supervisor down" when the lease has not changed for this long',
  ),
  heartbeatUrlEnv: EnvVarName.optional().describe(
    'the variable that holds a healthchecks-style URL the leader GETs after each cycle that lands',
  ),
});
export type WatchConfig = z.infer<typeof WatchConfig>;
