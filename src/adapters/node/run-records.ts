import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeDecision } from '../../domain/config/state-schema.js';
import type { RunRecords } from '../../domain/node/plan-cycle.js';
import { decisionFile, type NodePaths } from '../../domain/node-paths.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { readNodeDecision } from './decision-file.js';

export const runFiles = (paths: NodePaths) => ({
  pressure: join(paths.runDir, 'pressure-state.json'),
  decision: decisionFile(paths),
  roles: join(paths.runDir, 'roles.json'),
  runaways: join(paths.runDir, 'runaways.json'),
  reclaim: join(paths.runDir, 'reclaim.json'),
  lock: join(paths.runDir, 'node.pid'),
});

/** The run files as the last run left them: unchecked JSON (undefined when missing or torn), the decision checked. */
export interface ReadRunRecords {
  pressure: unknown;
  decision: NodeDecision | undefined;
  roles: unknown;
  runaways: unknown;
  reclaim: unknown;
}

export interface RunRecordsStore {
  /** Each file atomically: a kill leaves the old one or the new one. Throws (a full disk) for the caller to report. */
  write(paths: NodePaths, records: RunRecords): void;
  read(paths: NodePaths): ReadRunRecords;
}

export const runRecordsStore: RunRecordsStore = {
  write(paths, records) {
    const files = runFiles(paths);
    mkdirSync(paths.runDir, { recursive: true });
    writeFileAtomic(files.pressure, `${JSON.stringify(records.pressure)}\n`);
    writeFileAtomic(files.decision, `${JSON.stringify(records.decision)}\n`);
    writeFileAtomic(files.roles, `${JSON.stringify(records.roles)}\n`);
    writeFileAtomic(files.runaways, `${JSON.stringify(records.runaways)}\n`);
    writeFileAtomic(files.reclaim, `${JSON.stringify(records.reclaim)}\n`);
  },
  read(paths) {
    const files = runFiles(paths);
    return {
      pressure: readJson(files.pressure),
      decision: readNodeDecision(files.decision),
      roles: readJson(files.roles),
      runaways: readJson(files.runaways),
      reclaim: readJson(files.reclaim),
    };
  },
};

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
