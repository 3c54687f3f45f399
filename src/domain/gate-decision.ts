import { formatDuration } from './duration.js';
import type { RoleState } from './effective-state.js';

export interface SyncInfo {
  /** Whether the pull was attempted and succeeded; 'skipped' for --no-pull. */
  pull: 'ok' | 'failed' | 'skipped';
  pullError?: string;
  /** No remote at all: the local repo is the truth and never stale. */
  localOnly: boolean;
  lastSyncAt?: number;
}

export interface GateDecision {
  run: boolean;
  state: RoleState;
  stale: boolean;
  notes: string[];
}

/**
 * The gate's answer. A control repo that could not be synced for longer than maxStaleness is
 * not trusted: heavy roles fail closed (better idle than OOM-killed), light ones fail open. A
 * slot the supervisor placed fails closed too: once this node is called down its slot runs
 * elsewhere, and a node that cannot sync cannot know (slot-owner.ts isPlaced).
 */
export function gateDecision(
  state: RoleState,
  sync: SyncInfo,
  heavy: boolean,
  maxStalenessMs: number,
  now: number,
  placed = false,
): GateDecision {
  const notes: string[] = [];
  const age = sync.lastSyncAt === undefined ? undefined : now - sync.lastSyncAt;
  if (sync.pull === 'failed') {
    notes.push(
      `pull failed (${sync.pullError ?? 'unknown error'}); deciding from the state pulled ${age === undefined ? 'never' : `${formatDuration(age)} ago`}`,
    );
  }
  const stale = !sync.localOnly && sync.pull !== 'ok' && (age === undefined || age > maxStalenessMs);
  if (stale && state.state === 'run' && state.source !== 'override') {
    const limit = formatDuration(maxStalenessMs);
    const ageText = age === undefined ? 'never synced' : `last synced ${formatDuration(age)} ago`;
    if ((heavy || placed) && !state.protected) {
      return {
        run: false,
        stale,
        notes,
        state: {
          ...state,
          state: 'halt',
          source: 'none',
          by: 'gate',
          reason: `control repo too stale to trust (${ageText}, limit ${limit}): ${heavy ? 'heavy role' : 'placed slot (it may run elsewhere now)'} fails closed`,
        },
      };
    }
    notes.push(`control repo stale (${ageText}, limit ${limit}): light role fails open`);
  }
  return { run: state.state === 'run', state, stale, notes };
}
