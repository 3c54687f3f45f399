import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
  throw new Error(`${CONFIG_WORKER_FILE} is missing beside ${fileURLToPath(moduleUrl)}: rebuild factoryctl (npm run build)`);
}

/**
 * Answers one config request in a child process that exits with its answer. A child process and
 * not a worker thread: a thread that loaded YAML and zod left 6-8 MB resident in the daemon after
 * it ended (measured; the allocator keeps the pages), a process gives everything back. Costs a
 * node start (some 50 ms), paid only when a config file changed. From source (no build), in-process.
 */
export async function inConfigWorker<R extends ConfigWorkerRequest>(request: R, workerFile = configWorkerPath()): Promise<ConfigWorkerResponse<R>> {
  if (workerFile === undefined) {
    const { handleConfigRequest } = await import('./config-worker-handler.js');
    return handleConfigRequest(request);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [workerFile], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`config worker: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      let message: { ok: true; value: ConfigWorkerResponse<R> } | { ok: false; error: string } | undefined;
      try {
        message = JSON.parse(stdout) as typeof message;
      } catch {
        message = undefined;
      }
      if (message?.ok) resolve(message.value);
      else if (message) reject(new Error(`config worker: ${message.error}`));
      else reject(new Error(`config worker ended (${signal ?? `code ${code}`}) without an answer${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`));
    });
    child.stdin.on('error', () => undefined); // a worker that died early: 'close' says why
    child.stdin.end(JSON.stringify(request));
  });
}
