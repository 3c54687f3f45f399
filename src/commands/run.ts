import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EXIT } from '../exit-codes.js';
import { formatDuration } from '../domain/duration.js';
import { nodeEntry } from '../domain/control-view.js';
import { decisionFile, nodePaths } from '../domain/node-paths.js';
import { nodeRows } from '../domain/role-grid.js';
import { loadControlView } from '../adapters/control-repo/view.js';
import { ensureEmbeddedRepo } from '../adapters/control-repo/embedded-repo.js';
import { readNodeDecision } from '../adapters/node/decision-file.js';
import type { CommandContext } from './context.js';
import { createLiveDisplay } from './live-display.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl run [--dir DIR] [--interval D]

The embedded default: the node daemon and the supervisor in one process on this machine.
Without --dir (or FACTORY_DIR) the control repo is .factoryctl/control in the factoryctl
checkout: a local git repository with no remote, made from the template (factory.yaml,
factory-state/, repos/, schemas/) on first run, so nothing is pushed anywhere and no forge is
needed. Edit its factory.yaml and commit to change the factory; \`factoryctl --dir
.factoryctl/control status\` (or halt, resume, gate) works on it from another terminal.
With --dir it runs on that control repo as it is (pushing telemetry and decisions to its remote).

Prints a live status line per role; Ctrl-C stops both loops cleanly.
  --interval D  sample every D instead of policy.sampleInterval (e.g. 2s)`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, { interval: { type: 'string' } }, 0);
  const checkout = checkoutRoot();
  const explicit = ctx.dirSource === 'flag' || ctx.dirSource === 'env';
  const dir = explicit && ctx.dir ? ctx.dir : resolve(checkout, '.factoryctl', 'control');
  const display = createLiveDisplay(process.stderr, ctx.interactive);
  if (!explicit) {
    const { created } = await ensureEmbeddedRepo(ctx.dir ?? checkout, dir);
    display.log(`factoryctl run: ${created ? 'created' : 'using'} the embedded control repo ${dir} (local, no remote)`);
  }
  const sub: CommandContext = { ...ctx, dir, err: (line) => display.log(line) };

  const node = await import('./node.js');
  const supervise = await import('../runtime/supervisor/loop.js');
  const stop = new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  const timer = setInterval(() => void refresh(dir, sub, display), 1000);
  const supervisor = supervise.superviseLoop(
    { dir, env: ctx.env, node: ctx.node, now: ctx.now, log: (line) => display.log(`factoryctl supervise: ${line}`) },
    { webhookSecret: '', stop },
  );
  const code = await node.run(values.interval ? ['--interval', values.interval] : [], sub);
  await supervisor;
  clearInterval(timer);
  await refresh(dir, sub, display);
  display.close();
  ctx.err('factoryctl run: stopped');
  return code === EXIT.OK ? EXIT.OK : code;
}

/** One line per role on this node, from the same sources the gate reads. */
async function refresh(dir: string, ctx: CommandContext, display: ReturnType<typeof createLiveDisplay>): Promise<void> {
  try {
    const { view } = await loadControlView(dir);
    const decision = readNodeDecision(decisionFile(nodePaths(dir, nodeEntry(view.nodes, ctx.node), ctx.env)));
    const now = ctx.now();
    const rows = nodeRows(ctx.node, { ...view, decisions: new Map(decision ? [[ctx.node, decision]] : []), now });
    const header = `── ${ctx.node}: ${decision ? `level ${decision.level}, ${decision.reason}` : 'waiting for the first sample'}`;
    display.render([
      header,
      ...rows.map((r) => {
        const since = r.since ? ` since ${formatDuration(now - Date.parse(r.since))}` : '';
        return `   ${(r.role + (r.repo ? ` ${r.repo}` : '')).padEnd(14)} ${r.state === 'halt' ? 'HALTED' : 'run   '} ${r.source.padEnd(10)} ${r.reason}${since}`;
      }),
    ]);
  } catch (error) {
    display.log(`factoryctl run: status unavailable: ${(error as Error).message}`);
  }
}

/** The factoryctl checkout this process runs from (bin/ is in it). */
function checkoutRoot(): string {
  const script = process.argv[1];
  try {
    return dirname(dirname(realpathSync(script ?? '')));
  } catch {
    return process.cwd();
  }
}
