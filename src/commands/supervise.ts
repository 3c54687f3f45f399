import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { checkSigningKey } from '../adapters/git/signing.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';
import { describeOutcome, newMemory, runCycle, type SupervisorDeps } from '../runtime/supervisor/cycle.js';
import { outcomeJson } from '../runtime/supervisor/describe.js';
import { superviseLoop } from '../runtime/supervisor/loop.js';
import { loadSupervisorConfig } from '../adapters/control-repo/supervisor-config.js';
import { assertCanVerify } from '../adapters/control-repo/trust-state.js';

export const help = `usage: factoryctl supervise [--once] [--listen HOST:PORT] [--json]

The factory's supervisor. Each cycle: pull the control repo, read every node's telemetry branch,
read the forges and CI (open PRs and their combined status, ready issues, Woodpecker pipelines
and queue) within the call budget (supervisor.budget), then decide and commit to main only what
changed: factory-state/schedule.yaml (each role's tuned interval, its own included), halts.yaml
(review, then dev, halted while the CI queue is over supervisor.ciOverload), alarms.yaml (fired
alarms removed, their commands run) and STATUS.md. A forge that fails, throttles or hangs is
missing data: it never backs a schedule off and never resumes a halted role.

  --once              one cycle, then exit (cron mode: the node applies the supervisor's own
                      interval from schedule.yaml to its crontab line like any role's)
                      exit 0 done, 75 transient failure (pull or push: the next run retries),
                      78 the config is invalid and no last good version is known
  --listen HOST:PORT  loop mode: also accept webhooks, each signed with the secret in the variable
                      named by supervisor.webhookSecretEnv: Forgejo's (X-Forgejo-Event, any path)
                      and a generic POST /hook with X-Factory-Signature: sha256=<HMAC of the body>.
                      Unsigned or wrongly signed: 401, logged, nothing runs.
  --now TIME          FOR TESTS ONLY: run on a simulated clock starting at TIME (ISO)

With a remote, supervisors on several nodes elect one leader through branch control/lease
(holder, epoch, expiry; supervisor.lease): only the leader commits, each push to main carrying a
lease renewal in the same atomic push, so a deposed leader's decisions cannot land. The others
observe, log "standby", commit nothing, and take over once the lease expires: once it has not
changed for a whole term on the standby's own monotonic clock (holders' wall clocks are never
compared). A daemon standby looks at the lease and nothing else (no forge call, no alarm). A leader
that cannot renew within its term reports "standby (lease lapsed at ...)" and decides nothing.
Time alarms fire by the forge's clock (its Date header); status shows the measured offset. Without a remote
(the embedded default) there is no lease: this supervisor is the leader.

Without --once it runs until SIGTERM, sleeping until its next wake: the tuned interval, or sooner
for an alarm (supervisor.alarmPoll) or a webhook; SIGUSR1 wakes it at once.

FACTORYCTL_SIGNING_KEY names this supervisor's SSH key: its decisions and its
lease are signed with it (checked at start: a key that cannot sign exits 78).
With trust.mode warn or enforce a node's telemetry counts only when its branch
tip is signed by that node's key (node:<name> in trust/allowed_signers);
enforce ignores any other tip and notes its sha and signer.`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(
    args,
    { once: { type: 'boolean' }, listen: { type: 'string' }, now: { type: 'string' } },
    0,
  );
  if (values.once && values.listen) throw new UsageError('--listen needs the loop: leave out --once');
  const dir = requireDir(ctx);
  await assertCanVerify(dir);
  const signer = await checkSigningKey(ctx.env);
  if (signer) ctx.err(`factoryctl supervise: signing commits with ${signer.fingerprint}`);
  const deps: SupervisorDeps = {
    dir,
    env: ctx.env,
    node: ctx.node,
    now: clock(values.now, ctx.now),
    // Lease ages: the system's monotonic clock, or under --now the simulated one (it runs at real speed).
    mono: values.now !== undefined ? clock(values.now, ctx.now) : () => Number(process.hrtime.bigint() / 1_000_000n),
    log: (line) => ctx.err(`factoryctl supervise: ${line}`),
  };

  if (values.once) {
    const outcome = await runCycle(deps, newMemory());
    if (ctx.json) {
      ctx.out(JSON.stringify(outcomeJson(outcome)));
    } else {
      if (outcome.kind === 'ok') for (const note of outcome.notes) deps.log(`note: ${note}`);
      ctx.out(describeOutcome(outcome));
    }
    return outcome.kind === 'ok' || outcome.kind === 'watching'
      ? EXIT.OK
      : outcome.kind === 'terminal'
        ? EXIT.CONFIG
        : EXIT.TEMPFAIL;
  }

  const loaded = await loadSupervisorConfig(dir);
  const secretEnv = loaded.ok ? loaded.config.factory.supervisor.webhookSecretEnv : undefined;
  const stop = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await superviseLoop(deps, {
    ...(values.listen ? { listen: values.listen } : {}),
    webhookSecret: secretEnv ? (ctx.env[secretEnv] ?? '') : '',
    stop,
  });
  return EXIT.OK;
}

/** The real clock, or for tests one that starts at --now and runs at real speed from there. */
function clock(start: string | undefined, real: () => number): () => number {
  if (start === undefined) return real;
  const at = Date.parse(start);
  if (Number.isNaN(at)) throw new UsageError(`--now: not an ISO time: ${start}`);
  const offset = at - real();
  return () => real() + offset;
}
