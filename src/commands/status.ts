import { EXIT } from '../exit-codes.js';
import { formatDuration } from '../domain/duration.js';
import { effectiveState, type RoleState } from '../domain/effective-state.js';
import { nodeEntry, protectedRoles, type ControlView } from '../domain/control-view.js';
import { decisionFile, nodePaths } from '../domain/node-paths.js';
import { checkNodeDecision, MIN_SILENCE_MS } from '../domain/node-silence.js';
import type { NodeDecision } from '../domain/config/state-schema.js';
import { loadControlView } from '../adapters/control-repo/view.js';
import { pullFastForward } from '../adapters/git/pull.js';
import { controlRemote } from '../adapters/git/remote.js';
import { readNodeDecision } from '../adapters/node/decision-file.js';
import { fetchTelemetry, readNodeDecisions } from '../adapters/telemetry/read.js';
import { readSupervisorStats, type SupervisorStats } from '../adapters/control-repo/supervisor-stats.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl status [--no-pull] [--json]

Every role on every node: its effective state, the source that decided it
(override, supervisor, node), why and since when. Nodes are those in factory.yaml,
those with a telemetry branch, and this one.`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, { 'no-pull': { type: 'boolean' } }, 0);
  const dir = requireDir(ctx);
  const notes: string[] = [];
  const remote = await controlRemote(dir);
  if (remote && !values['no-pull']) {
    const pulled = await pullFastForward(dir, 10_000);
    if (!pulled.ok) notes.push(`pull failed (${pulled.error}): showing the last pulled state`);
    if (!(await fetchTelemetry(dir, remote))) notes.push('could not fetch telemetry branches: node decisions may be old');
  }
  const { view, invalid } = await loadControlView(dir);
  if (invalid) notes.push(`control files are invalid, showing the last good state:\n${invalid.message}`);
  const decisions = await readNodeDecisions(dir, remote);
  const local = readNodeDecision(decisionFile(nodePaths(dir, nodeEntry(view.nodes, ctx.node), ctx.env)));
  if (local) decisions.set(ctx.node, local);
  const now = ctx.now();
  // A node whose daemon fell silent is shown stale, and its decision no longer counts (as in the gate).
  const stale = new Set<string>();
  for (const [node, d] of decisions) {
    const checked = checkNodeDecision(d, now, nodeEntry(view.nodes, node)?.silenceMs ?? MIN_SILENCE_MS);
    if (!checked.live) (stale.add(node), notes.push(`node ${node} STALE: ${checked.note}`));
  }
  const rows = statusRows(view, new Map([...decisions].filter(([node]) => !stale.has(node))), ctx.node, now);
  // Only a clone where a supervisor runs has its figures: elsewhere there is nothing to show.
  const supervisor = readSupervisorStats(dir);

  if (ctx.json) {
    ctx.out(JSON.stringify({ factory: view.factory, node: ctx.node, roles: rows, nodes: Object.fromEntries([...decisions].map(([node, d]) => [node, stale.has(node) ? { ...d, stale: true } : d])), ...(supervisor ? { supervisor } : {}), notes }));
    return EXIT.OK;
  }
  for (const note of notes) ctx.err(`factoryctl status: ${note}`);
  ctx.out(`factory ${view.factory}: ${rows.filter((r) => r.state === 'halt').length} of ${rows.length} halted`);
  ctx.out(renderTable(rows, now));
  if (supervisor) ctx.out(describeSupervisorStats(supervisor, now, formatDuration).join('\n'));
  return EXIT.OK;
}

export function statusRows(view: ControlView, decisions: Map<string, NodeDecision>, thisNode: string, now: number): RoleState[] {
  const nodes = new Set([...Object.keys(view.nodes).filter((n) => n !== 'default'), ...decisions.keys(), thisNode]);
  const rows: RoleState[] = [];
  for (const node of [...nodes].sort()) {
    const decision = decisions.get(node);
    const sources = { overrides: view.overrides, halts: view.halts, protectedRoles: protectedRoles(view), ...(decision ? { nodeDecision: decision } : {}) };
    const roles = nodeEntry(view.nodes, node)?.roles ?? Object.keys(view.roles);
    for (const role of roles) {
      rows.push(effectiveState({ role, node }, sources, now));
      // Repository-scoped entries halt one repository's agent: show them as rows of their own.
      const repos = new Set([...view.overrides, ...view.halts].filter((e) => e.role === role && e.repo && (!e.node || e.node === node)).map((e) => e.repo!));
      for (const repo of repos) rows.push(effectiveState({ role, node, repo }, sources, now));
    }
  }
  return rows;
}

function renderTable(rows: RoleState[], now: number): string {
  const width = Math.max(60, Math.min(process.stdout.columns ?? 120, 160));
  const table = rows.map((r) => [
    r.node,
    r.role + (r.repo ? ` ${r.repo}` : ''),
    r.state === 'halt' ? 'HALTED' : 'run',
    r.source,
    r.since ? `${formatDuration(now - Date.parse(r.since))} ago` : '-',
    `${r.reason}${r.until ? ` (until ${r.until})` : ''}${r.source !== 'none' ? ` [${r.by}]` : ''}`,
  ]);
  const header = ['NODE', 'ROLE', 'STATE', 'SOURCE', 'SINCE', 'WHY'];
  const cols = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(cols[i]!)))
      .join('  ')
      .slice(0, width);
  return [line(header), ...table.map(line)].join('\n');
}

/** What `status` prints: the budget as used/remaining per server, then the next wake. */
export function describeSupervisorStats(s: SupervisorStats, now: number, ago: (ms: number) => string): string[] {
  const servers = Object.entries(s.budgets).sort(([a], [b]) => (a < b ? -1 : 1));
  const budget = servers.length === 0
    ? `0/${s.budgetLimit} used, ${s.budgetLimit} remaining per 30m (no API called yet)`
    : servers.map(([name, b]) => `${name} ${b.used}/${b.limit} used, ${b.remaining} remaining`).join('; ');
  const wake = s.nextWake.at >= now ? `in ${ago(s.nextWake.at - now)}` : `${ago(now - s.nextWake.at)} overdue`;
  const lines = [
    `supervisor on ${s.node} (${s.mode === 'loop' ? 'daemon' : '--once'}), last cycle ${ago(Math.max(0, now - s.at))} ago: ${s.calls} API calls`,
    `  call budget (supervisor.budget): ${budget}`,
    `  next wake ${new Date(s.nextWake.at).toISOString()} (${wake}): ${s.nextWake.reason}`,
  ];
  if (s.lease) lines.push(`  lease: ${s.lease.role}${s.lease.holder ? `, held by ${s.lease.holder}` : ''}${s.lease.epoch !== undefined ? ` (epoch ${s.lease.epoch})` : ''}${s.lease.expiresAt ? ` until ${new Date(s.lease.expiresAt).toISOString()}` : ''}${s.lease.note ? `: ${s.lease.note}` : ''}`);
  return lines;
}
