import { EXIT } from '../exit-codes.js';
import { formatDuration } from '../domain/duration.js';
import { nodeEntry } from '../domain/control-view.js';
import { decisionFile, nodePaths } from '../domain/node-paths.js';
import { roleGrid } from '../domain/role-grid.js';
import { nodeNotices } from '../domain/node/notices.js';
import { loadControlView } from '../adapters/control-repo/view.js';
import { readNodeDecision } from '../adapters/node/decision-file.js';
import { readNodeDecisions } from '../adapters/telemetry/read.js';
import { readSupervisorStats } from '../adapters/control-repo/supervisor-stats.js';
import { requireDir, type CommandContext } from './context.js';
import { pullControl } from './control-pull.js';
import { parseFlags } from './parse-flags.js';
import { placementSections } from './status-placement.js';
import { describeSupervisorStats, renderTable } from './status-text.js';

export const help = `usage: factoryctl status [--no-pull] [--json]

Every role on every node: its effective state, the source that decided it
(override, supervisor, node), why and since when. Nodes are those in factory.yaml,
those with a telemetry branch, and this one; a node whose daemon fell silent is
shown STALE, and its decision no longer counts (as in the gate). Another writer's
change to a drop-in .<role>-active file is shown as such (outside). Once the
supervisor places slots (factory-state/assignments.yaml), a nodes section and an
assignments section follow (in full: factoryctl nodes, factoryctl assignments).
  --no-pull  show what is already pulled
  --json     { factory, node, roles, nodes, supervisor?, placement?, outside, notes }`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, { 'no-pull': { type: 'boolean' } }, 0);
  const dir = requireDir(ctx);
  const notes: string[] = [];
  const remote = await pullControl(dir, values['no-pull'] === true, notes);
  const { view, invalid } = await loadControlView(dir);
  if (invalid) notes.push(`control files are invalid, showing the last good state:\n${invalid.message}`);
  const decisions = await readNodeDecisions(dir, remote);
  const local = readNodeDecision(decisionFile(nodePaths(dir, nodeEntry(view.nodes, ctx.node), ctx.env)));
  if (local) decisions.set(ctx.node, local);
  const now = ctx.now();
  const grid = roleGrid({ ...view, decisions, now }, { node: ctx.node, always: true });
  const stale = new Set(grid.nodes.flatMap((n) => (n.stale ? [n.node] : [])));
  for (const n of grid.nodes) if (n.stale) notes.push(`node ${n.node} STALE: ${n.stale}`);
  // Only a clone where a supervisor runs has its figures: elsewhere there is nothing to show.
  const supervisor = readSupervisorStats(dir);
  // A factory without placement looks as before: the sections appear once assignments.yaml has slots.
  const placement =
    Object.keys(view.assignments.slots).length > 0 ? await placementSections(dir, remote, now, notes) : undefined;
  const notices = nodeNotices(grid.nodes.flatMap((n) => (n.decision ? [n.decision] : [])));

  if (ctx.json) {
    const nodes = Object.fromEntries(
      [...decisions].map(([node, d]) => [node, stale.has(node) ? { ...d, stale: true } : d]),
    );
    ctx.out(
      JSON.stringify({
        factory: view.factory,
        node: ctx.node,
        roles: grid.rows,
        nodes,
        ...(supervisor ? { supervisor } : {}),
        ...(placement ? { placement: placement.json } : {}),
        outside: grid.nodes.flatMap((n) => (n.decision?.outside ?? []).map((o) => ({ node: n.node, ...o }))),
        notes,
        notices,
      }),
    );
    return EXIT.OK;
  }
  for (const note of notes) ctx.err(`factoryctl status: ${note}`);
  ctx.out(
    `factory ${view.factory}: ${grid.rows.filter((r) => r.state === 'halt').length} of ${grid.rows.length} halted`,
  );
  const width = Math.max(60, Math.min(process.stdout.columns ?? 120, 160));
  ctx.out(renderTable(grid.rows, now, width, stale));
  for (const notice of notices) ctx.out(wrap(notice));
  if (placement) ctx.out(placement.text(width));
  if (supervisor) ctx.out(describeSupervisorStats(supervisor, now, formatDuration).join('\n'));
  return EXIT.OK;
}

/** A note cut into lines of at most 80 columns, continuation lines indented. */
function wrap(text: string, width = 80): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}
