import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../process/run-process.js';
import type { ConfigWorkerRequest, ConfigWorkerResponse } from './config-worker-handler.js';

export type { ConfigWorkerRequest, ConfigWorkerResponse } from './config-worker-handler.js';

export const CONFIG_WORKER_FILE = 'config-worker.cjs';
const WORKER_TIMEOUT_MS = 60_000;

/**
 * The built worker beside this build: this module is bundled into dist/chunks/ (or dist/ itself),
 * and a self-upgraded build lives whole under .factoryctl/builds/<id>/, so the worker found is
 * always the running build's. Undefined when running from source (vitest).
 */
export function configWorkerPath(moduleUrl = import.meta.url): string | undefined {
  if (moduleUrl.endsWith('.ts')) return undefined;
  for (const rel of [`../${CONFIG_WORKER_FILE}`, `./${CONFIG_WORKER_FILE}`]) {
    const path = fileURLToPath(new URL(rel, moduleUrl));
    if (existsSync(path)) return path;
  }
  throw new Error(
    `${CONFIG_WORKER_FILE} is missing beside ${fileURLToPath(moduleUrl)}: rebuild factoryctl (npm run build)`,
  );
}

/**
 * Answers one config request in a child process that exits with its answer. A child process and
 * not a worker thread: a thread that loaded YAML and zod left 6-8 MB resident in the daemon after
 * it ended (measured; the allocator keeps the pages), a process gives everything back. Costs a
 * node start (some 50 ms), paid only when a config file changed. From source (no build), in-process.
 */
export async function inConfigWorker<R extends ConfigWorkerRequest>(
  request: R,
  workerFile = configWorkerPath(),
): Promise<ConfigWorkerResponse<R>> {
  if (workerFile === undefined) {
    const { handleConfigRequest } = await import('./config-worker-handler.js');
    return handleConfigRequest(request);
  }
  const result = await runProcess(process.execPath, [workerFile], {
    input: JSON.stringify(request),
    timeoutMs: WORKER_TIMEOUT_MS,
    ownGroup: false,
  });
  if (result.spawnError) throw new Error(`config worker: ${result.spawnError.message}`);
  let message: { ok: true; value: ConfigWorkerResponse<R> } | { ok: false; error: string } | undefined;
  try {
    message = JSON.parse(result.stdout) as typeof message;
  } catch {
    message = undefined;
  }
  if (message?.ok) return message.value;
  if (message) throw new Error(`config worker: ${message.error}`);
  const stderr = result.stderr.trim();
  throw new Error(
    `config worker ended (${result.signal ?? `code ${result.code}`}) without an answer${stderr ? `: ${stderr.split('\n').slice(-3).join(' / ')}` : ''}`,
  );
}
