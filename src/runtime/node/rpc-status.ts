import { dirname, join } from 'node:path';
import { decisionFile } from '../../domain/node-paths.js';
import { rpcStatus } from '../../domain/node/rpc-status.js';
import type { Sample } from '../../domain/pressure/index.js';
import { TELEMETRY_FILES } from '../../domain/telemetry-files.js';
import { knownLease } from '../../adapters/control-repo/lease-known.js';
import { lastSyncAt } from '../../adapters/control-repo/private-dir.js';
import { readFilesAt } from '../../adapters/git/read-files.js';
import { readNodeDecision } from '../../adapters/node/decision-file.js';
import { runFiles } from '../../adapters/node/run-records.js';
import { lockHolder } from '../../adapters/node/sync-inbox.js';
import { cliPath } from '../../adapters/process/cli-path.js';
import { readInfo } from '../../adapters/upgrade/layout.js';
import { TELEMETRY_PREFIX } from '../../adapters/telemetry/read.js';
import type { RpcContext, RpcNode } from './rpc-node.js';

/** This node as its own files say: the decision the gate reads, the last committed sample, the lease it pulled. */
export async function readRpcStatus(ctx: RpcContext, node: RpcNode): Promise<Record<string, unknown>> {
  const { paths } = node.settings;
  const sampleFile = TELEMETRY_FILES.sample;
  const committed = await readFilesAt(ctx.dir, `refs/heads/${TELEMETRY_PREFIX}${ctx.node}`, [sampleFile]);
  return rpcStatus({
    node: ctx.node,
    version: ctx.version,
    // bin/factoryctl.cjs runs ../dist: its BUILD_ID is this build's.
    build: readInfo(join(dirname(dirname(cliPath())), 'dist', 'BUILD_ID'))?.id,
    decision: readNodeDecision(decisionFile(paths)),
    sample: parseSample(committed.get(sampleFile)),
    lease: await knownLease(ctx.dir),
    daemon: lockHolder(paths, runFiles(paths).lock),
    lastPullAt: lastSyncAt(ctx.dir),
    slots: node.slots.map((s) => s.id),
  });
}

function parseSample(text: string | undefined): Sample | undefined {
  try {
    const v = text === undefined ? undefined : (JSON.parse(text) as Sample);
    return v && typeof v.at === 'number' && Array.isArray(v.disks) ? v : undefined;
  } catch {
    return undefined;
  }
}
