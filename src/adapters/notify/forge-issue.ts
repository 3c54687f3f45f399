// One forge issue per alert fingerprint, kept ensure-style (Renovate's ensureComment): every step looks
// first and writes only what is missing, so a retried notification never opens a second issue or comments twice.
import {
  issueBody,
  issueComment,
  issueMarker,
  issueTitle,
  notificationMarker,
} from '../../domain/alerts/notify-format.js';
import type { AlertView, Notification } from '../../domain/config/alerts-state-schema.js';
import type { ForgeIssueReceiver } from '../../domain/config/receivers-schema.js';
import type { ForgeClient, IssueSummary } from '../../domain/ports/forge.js';
import { createForgejoClient } from '../forge/forgejo.js';
import { createHttpClient } from '../http/client.js';
import type { Deliver } from './deliver.js';

const LABEL = { color: '#d73a4a', description: 'raised by factoryctl alerts' };

export const deliverToForgeIssues: Deliver<ForgeIssueReceiver> = async (n, r, deps, signal) => {
  const cfg = deps.forges?.[r.forge];
  if (!cfg) return { ok: false, error: `forge-issue: forge "${r.forge}" is not in factory.yaml` };
  const base = createHttpClient({
    retries: 0,
    timeoutMs: deps.timeoutMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const http = { ...base, fetch: ((input, init) => base.fetch(input, { ...init, signal })) as typeof fetch };
  const forge = createForgejoClient({ baseUrl: cfg.url, tokenEnv: cfg.tokenEnv, http, env: deps.env });
  const refs: string[] = [];
  for (const alert of n.alerts) {
    const ref = await ensureIssue(forge, r, alert, n);
    if (ref !== undefined) refs.push(`#${ref}`);
  }
  return { ok: true, ...(refs.length > 0 ? { ref: `${r.repo}${refs.join(',')}` } : {}) };
};

/** The alert's issue as it should be now; the issue number, or undefined when there is none (resolved, never opened). */
async function ensureIssue(
  forge: ForgeClient,
  r: ForgeIssueReceiver,
  alert: AlertView,
  n: Notification,
): Promise<number | undefined> {
  const found = await findIssue(forge, r, alert.fingerprint);
  if (alert.status === 'resolved') {
    if (!found || found.state === 'closed') return found?.number;
    await ensureComment(forge, r.repo, found.number, alert, n);
    await forge.setIssueState(r.repo, found.number, 'closed');
    return found.number;
  }
  if (!found) {
    const labelIds = await ensureLabels(forge, r);
    const made = await forge.createIssue(r.repo, { title: issueTitle(alert), body: issueBody(alert, n), labelIds });
    return made.number;
  }
  if (found.state === 'closed') await forge.setIssueState(r.repo, found.number, 'open');
  await ensureComment(forge, r.repo, found.number, alert, n);
  return found.number;
}

/** The open issue with the fingerprint's marker, else the newest closed one (reopened if the alert fires again). */
async function findIssue(
  forge: ForgeClient,
  r: ForgeIssueReceiver,
  fingerprint: string,
): Promise<IssueSummary | undefined> {
  const marker = issueMarker(fingerprint);
  const all = await forge.listIssues(r.repo, { state: 'all', labels: [r.labels[0]!] });
  const mine = all.filter((i) => i.title.includes(marker)).sort((a, b) => b.number - a.number);
  return mine.find((i) => i.state === 'open') ?? mine[0];
}

async function ensureComment(forge: ForgeClient, repo: string, issue: number, alert: AlertView, n: Notification) {
  const marker = notificationMarker(n.id);
  const comments = await forge.listComments(repo, issue);
  if (comments.some((c) => c.body.includes(marker))) return;
  await forge.createComment(repo, issue, issueComment(alert, n));
}

async function ensureLabels(forge: ForgeClient, r: ForgeIssueReceiver): Promise<number[]> {
  const have = await forge.listLabels(r.repo);
  const ids: number[] = [];
  for (const name of r.labels) {
    const label = have.find((l) => l.name === name) ?? (await forge.createLabel(r.repo, { name, ...LABEL }));
    ids.push(label.id);
  }
  return ids;
}
