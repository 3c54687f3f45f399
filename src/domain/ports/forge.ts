import type { CiRepoSettings } from '../config/ci-settings-schema.js';
// The forge and CI seen by the domain: only the fields factoryctl decides on, never a wire format.

export interface ForgeLabel {
  id: number;
  name: string;
  color: string;
  description: string;
  exclusive?: boolean;
}

export interface BranchProtection {
  branchName: string;
  requiredApprovals: number;
  statusCheckContexts: string[];
  enableStatusCheck: boolean;
  pushWhitelistUsernames: string[];
  mergeWhitelistUsernames: string[];
  enablePushWhitelist: boolean;
  enableMergeWhitelist: boolean;
  requireSignedCommits: boolean;
  protectedFilePatterns: string[];
  unprotectedFilePatterns: string[];
}

export interface PullSummary {
  number: number;
  title: string;
  state: 'open' | 'closed';
  merged: boolean;
  headSha: string;
  updatedAt: string;
}

export interface IssueSummary {
  number: number;
  title: string;
  state: 'open' | 'closed';
  labels: string[];
  updatedAt: string;
}

export interface IssueComment {
  id: number;
  body: string;
}

/** A list read from the forge; `doubt` says why it may be incomplete (a repeated page, duplicates, the page limit). */
export type Listing<T> = T[] & { doubt?: string };

export type CombinedState = 'pending' | 'success' | 'error' | 'failure' | 'warning' | '';

export interface ForgeClient {
  /** repo = "owner/name" */
  listOpenPulls(repo: string): Promise<Listing<PullSummary>>;
  /** undefined on 404 */
  getPull(repo: string, n: number): Promise<PullSummary | undefined>;
  combinedStatus(repo: string, ref: string): Promise<CombinedState>;
  listIssues(
    repo: string,
    opts: { state: 'open' | 'closed' | 'all'; labels?: string[] },
  ): Promise<Listing<IssueSummary>>;
  getIssue(repo: string, n: number): Promise<IssueSummary | undefined>;
  createIssue(repo: string, i: { title: string; body: string; labelIds: number[] }): Promise<IssueSummary>;
  setIssueState(repo: string, n: number, state: 'open' | 'closed'): Promise<IssueSummary>;
  /** every comment, oldest first (Forgejo does not page this list) */
  listComments(repo: string, n: number): Promise<IssueComment[]>;
  createComment(repo: string, n: number, body: string): Promise<IssueComment>;
  listLabels(repo: string): Promise<Listing<ForgeLabel>>;
  createLabel(repo: string, l: Omit<ForgeLabel, 'id'>): Promise<ForgeLabel>;
  editLabel(repo: string, id: number, l: Omit<ForgeLabel, 'id'>): Promise<ForgeLabel>;
  deleteLabel(repo: string, id: number): Promise<void>;
  listBranchProtections(repo: string): Promise<Listing<BranchProtection>>;
  createBranchProtection(repo: string, p: BranchProtection): Promise<BranchProtection>;
  editBranchProtection(repo: string, p: BranchProtection): Promise<BranchProtection>;
  deleteBranchProtection(repo: string, branchName: string): Promise<void>;
}

export interface PipelineSummary {
  number: number;
  /** pending|running|success|failure|killed|error|blocked|declined|skipped (Woodpecker StatusValue) */
  status: string;
  /** unix seconds, as Woodpecker reports them */
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  ref?: string;
  commit?: string;
}

export interface QueueInfo {
  pending: { id: string; created?: number }[];
  running: { id: string }[];
  stats: { pendingCount: number; runningCount: number; workerCount: number };
}

/** A Woodpecker agent as the server reports it (GET /agents, admin only). */
export interface CiAgent {
  id: number;
  name: string;
  /** set: the server hands this agent no new workflows (those running finish) */
  noSchedule: boolean;
  /** WOODPECKER_AGENT_LABELS as the agent reported them; read-only through the API */
  customLabels: Record<string, string>;
  /** unix seconds of the agent's last contact; absent when it never connected */
  lastContact?: number;
}

/** A Woodpecker repository's settings as the server reports them (GET /repos/{id}): what reconcile compares. */
export type CiRepoSettingsSeen = Required<CiRepoSettings>;

/** The part of the CI client reconcile uses for a repository's settings. */
export interface CiSettingsClient {
  getRepoSettings(repoId: number): Promise<CiRepoSettingsSeen>;
  /** PATCH /repos/{id} with only the fields given */
  patchRepoSettings(repoId: number, settings: CiRepoSettings): Promise<void>;
}

export interface CiClient extends CiSettingsClient {
  /** Newest first; `branch`: only that branch's pipelines. */
  listPipelines(repoId: number, opts?: { perPage?: number; branch?: string }): Promise<PipelineSummary[]>;
  getPipeline(repoId: number, n: number): Promise<PipelineSummary | undefined>;
  queueInfo(): Promise<QueueInfo>;
  lookupRepo(fullName: string): Promise<{ id: number; fullName: string } | undefined>;
  /** undefined when the server knows no such agent */
  getAgent(id: number): Promise<CiAgent | undefined>;
  listAgents(): Promise<CiAgent[]>;
  /** PATCH /agents/{id}: the server writes both fields, so `name` must be the agent's current one */
  patchAgent(id: number, to: { name: string; noSchedule: boolean }): Promise<CiAgent>;
}
