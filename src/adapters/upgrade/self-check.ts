import { join } from 'node:path';
import { failureSummary, runProcess } from '../process/run-process.js';

export type SelfCheckResult = { ok: true } | { ok: false; reason: string };

/** Checks a new build before it is switched to. `cli` is its cli.js, still in its work directory. */
export type SelfCheck = (build: { dir: string; cli: string; controlDir: string }) => Promise<SelfCheckResult>;

const CHECK_TIMEOUT_MS = 60_000;

/** The new build must start, know its version, and accept the control repo as it is now. */
export const defaultSelfCheck: SelfCheck = async ({ cli, controlDir }) => {
  const opts = { cwd: controlDir, timeoutMs: CHECK_TIMEOUT_MS, env: { FACTORY_DIR: controlDir } };
  const version = await runProcess(process.execPath, [cli, '--version'], opts);
  if (version.code !== 0 || version.timedOut)
    return { ok: false, reason: failureSummary('self-check `--version`', version) };
  if (!/^factoryctl \S+/.test(version.stdout))
    return { ok: false, reason: `self-check \`--version\` printed ${JSON.stringify(version.stdout.slice(0, 80))}` };
  const validate = await runProcess(process.execPath, [cli, 'validate', '--json', '--dir', controlDir], opts);
  if (validate.code !== 0 || validate.timedOut)
    return { ok: false, reason: failureSummary('self-check `validate --json`', validate) };
  return { ok: true };
};

export const cliOf = (dist: string) => join(dist, 'cli.js');
