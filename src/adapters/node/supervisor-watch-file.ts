// The node's record of the supervisor's lease and of the outage it paged for, in its state dir.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SupervisorWatchState } from '../../domain/alerts/supervisor-watch.js';
import { writeFileAtomic } from '../fs/atomic-file.js';

/** undefined when missing or unreadable: the next look starts the lease's age at zero, which only waits longer. */
export function readWatchState(file: string): SupervisorWatchState | undefined {
  try {
    const parsed = SupervisorWatchState.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeWatchState(file: string, state: SupervisorWatchState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}
