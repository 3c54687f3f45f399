import { ConfigError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { requireDir, type CommandContext } from './context.js';
import { pullControl } from './control-pull.js';
import { parseFlags } from './parse-flags.js';
import { assignmentsSummary, renderAssignments, terminalWidth } from './placement-text.js';
import { readPlacementViews } from './placement-views.js';

export const help = `usage: factoryctl assignments [--no-pull] [--json]

Where each agent slot (a role, or a role for one repository) runs, as the leader
supervisor placed it in factory-state/assignments.yaml: its node (or "waiting"
when none qualifies), why, and the best three candidates by score (MiB free
above the node's level-1 line after placing the slot there), with how many nodes
were excluded. Exit 78 when assignments.yaml is invalid.
  --no-pull  show what is already pulled
  --json     { decidedAt, epoch, notes, slots: [{ slot, node, halted, reason,
             candidates: [{ node, score }], excluded: [{ node, excluded }] }] }`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, { 'no-pull': { type: 'boolean' } }, 0);
  const dir = requireDir(ctx);
  const notes: string[] = [];
  const remote = await pullControl(dir, values['no-pull'] === true, notes);
  const { assignments, problems } = await readPlacementViews(dir, remote, ctx.now(), []);
  if (!assignments) throw new ConfigError(problems);
  if (ctx.json) {
    ctx.out(JSON.stringify({ ...assignments, notes }));
    return EXIT.OK;
  }
  for (const note of notes) ctx.err(`factoryctl assignments: ${note}`);
  ctx.out(`${assignmentsSummary(assignments)}\n${renderAssignments(assignments, terminalWidth(), 3)}`);
  return EXIT.OK;
}
