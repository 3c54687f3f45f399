// What `factoryctl logs` merges, as this clone last fetched it: every node's journal.jsonl (tip of
// its telemetry branch, remote copy or this clone's own) and STATUS.md, the supervisor's journal on main.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTROL_PATHS } from '../../domain/control-paths.js';
import type { LogSources } from '../../domain/logs/collect.js';
import { readTelemetry } from './read.js';

/** `node`: only that node's journal is read (`logs --node`); the others' would all be filtered out. */
export async function readLogSources(dir: string, remote: string | undefined, node?: string): Promise<LogSources> {
  const telemetry = await readTelemetry(dir, remote, ['journal'], node);
  const status = await readFile(join(dir, CONTROL_PATHS.status), 'utf8').catch(() => undefined);
  return {
    journals: [...telemetry.values()].map((t) => ({ node: t.node, text: t.journal })),
    ...(status !== undefined ? { status } : {}),
  };
}
