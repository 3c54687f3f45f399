import { EXIT } from '../exit-codes.js';
import { requireDir, type CommandContext } from './context.js';
import { pullControl } from './control-pull.js';
import { parseFlags } from './parse-flags.js';
import { renderNodes, terminalWidth } from './placement-text.js';
import { readPlacementViews } from './placement-views.js';

export const help = `usage: factoryctl nodes [--no-pull] [--json]

Each machine of the factory: its state as the leader supervisor judged it
(ready, suspect, down; unknown before placement records one), its last
heartbeat, free memory of its total and the room above its level-1 line, its
fullest disk, its pressure level, the agent slots assignments.yaml gives it,
its Woodpecker agent and SSH address, and whether it reaches its forges (its
own probe). Nodes are those factory.yaml names, those with a telemetry
branch, and those assignments.yaml mentions.
  --no-pull  show what is already pulled
  --json     { nodes: [...], notes: [...] }, every field`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, { 'no-pull': { type: 'boolean' } }, 0);
  const dir = requireDir(ctx);
  const notes: string[] = [];
  const remote = await pullControl(dir, values['no-pull'] === true, notes);
  const { nodes } = await readPlacementViews(dir, remote, ctx.now(), notes);
  if (ctx.json) {
    ctx.out(JSON.stringify({ nodes, notes }));
    return EXIT.OK;
  }
  for (const note of notes) ctx.err(`factoryctl nodes: ${note}`);
  ctx.out(renderNodes(nodes, terminalWidth(), true));
  return EXIT.OK;
}
