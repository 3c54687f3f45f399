import { FactoryError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { parseDuration } from '../domain/duration.js';
import { acquireNodeLock } from '../adapters/node/node-lock.js';
import { runFiles } from '../adapters/node/run-records.js';
import { restartOnNewBuild, runsFromControlRepo } from '../adapters/process/restart-self.js';
import { checkSigningKey } from '../adapters/git/signing.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';
import { createNodeDaemon } from '../runtime/node/daemon.js';
import { cliPath } from '../adapters/process/cli-path.js';
import { describeCycle } from './node-report.js';
import { runLoop, runOnce } from '../runtime/node/loop.js';
import { realNodeDeps } from '../runtime/node/real-deps.js';
import { assertCanVerify } from '../adapters/control-repo/trust-state.js';

export const help = `usage: factoryctl node [--once] [--interval D] [--json]

The node daemon: every policy.sampleInterval it measures this machine (memory, swap, disk of
policy.mounts, load, agents per role), decides its pressure level (hold, hysteresis, one
resume step per stabilisation window), writes <runDir>/decision.json (what the gate reads),
applies the effective state of every role (humans' overrides, else the most severe of the
supervisor's halts and its own decision) through the node's control mechanisms (halt files and
<stateDir>/.<role>-active, its crontab block, or the loop that starts agents itself), and
commits its sample, decision and event journal to the branch telemetry/<node> on change and on
telemetry.heartbeat. It pulls the control repo every 30 s (bounded by gate.pullTimeout) and
keeps the last good config when a pulled one is invalid. A forge outage never stops local
protection: telemetry queues on the local branch and lands when the forge is back.

  --once        one sample-decide-apply-commit cycle, then exit 0 (cron mode)
  --interval D  sample every D instead of policy.sampleInterval (e.g. 2s)

Run and state directories: the node's runDir/stateDir, overridden by FACTORY_RUN_DIR and
FACTORY_STATE_DIR. SIGTERM or SIGINT stop it promptly: the agents its loop started get
SIGTERM to their process groups, SIGKILL after policy.stopGrace (journaled), then the
telemetry is flushed. Exit 75 when another factoryctl node
already runs for this run directory, 78 when the config is invalid and no good one is known.FACTORYCTL_SIGNING_KEY names this node's SSH key: every telemetry commit is
signed with it (checked at start: a key that cannot sign exits 78).`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(args, { once: { type: 'boolean' }, interval: { type: 'string' } }, 0);
  const intervalMs = values.interval === undefined ? undefined : interval(values.interval);
  const dir = requireDir(ctx);
  const log = (line: string) => ctx.err(`factoryctl node: ${line}`);
  await assertCanVerify(dir);
  const signer = await checkSigningKey(ctx.env);
  if (signer) log(`signing commits with ${signer.fingerprint}`);
  const cron = { nodeBin: process.execPath, cli: cliPath() };
  const daemon = createNodeDaemon(
    realNodeDeps({
      dir,
      node: ctx.node,
      env: ctx.env,
      now: ctx.now,
      log,
      ...(intervalMs ? { intervalMs } : {}),
      cron,
      selfUpgrade: runsFromControlRepo(dir),
    }),
  );
  await daemon.start();
  const lock = acquireNodeLock(runFiles(daemon.paths).lock);
  if (!lock.ok)
    throw new FactoryError(
      `another factoryctl node (pid ${lock.holder}) runs for ${daemon.paths.runDir}`,
      EXIT.TEMPFAIL,
    );
  try {
    await daemon.restore();
    if (values.once) {
      const report = await runOnce(daemon);
      ctx.out(
        ctx.json
          ? JSON.stringify({ ok: true, node: ctx.node, ...report, telemetryPending: daemon.telemetry.pending })
          : describeCycle(ctx.node, report),
      );
      return EXIT.OK;
    }
    await runLoop(daemon, { node: ctx.node, now: ctx.now, log });
  } finally {
    lock.release();
  }
  if (!daemon.upgraded) return EXIT.OK;
  log('restarting on the new build');
  const restarted = restartOnNewBuild();
  return restarted === 'exit' ? EXIT.OK : restarted;
}

function interval(text: string): number {
  try {
    const ms = parseDuration(text);
    if (ms < 100) throw new Error('under 100ms');
    return ms;
  } catch (error) {
    throw new FactoryError(`--interval: ${(error as Error).message}`, EXIT.USAGE);
  }
}
