// Which forge push events are worth a cycle now. With a push webhook on the control repo every
// node's heartbeat (one a node every few tens of seconds) and every lease renewal arrives as an
// event; a cycle for each would spend the forge budget on nothing. A push with news (a node's
// level, halt or journal, a human's config) wakes the leader at once: that is what brings an
// alert's condition to the supervisor within one push, not one tuned interval.
import { isHeartbeatMessage } from '../telemetry-message.js';
import { SUPERVISOR_SUBJECT_PREFIX } from './state-files.js';

/** What a push event says, from its (signed) payload. */
export interface PushEvent {
  /** "refs/heads/main" */
  ref: string;
  /** each pushed commit's message, oldest first */
  messages: readonly string[];
}
export interface PushBranches {
  /** "telemetry/" */
  telemetry: string;
  /** "control/" (the lease) */
  control: string;
}
export type PushWake = { wake: boolean; reason: string };

export function pushWake(push: PushEvent, branches: PushBranches): PushWake {
  const branch = push.ref.replace(/^refs\/heads\//, '');
  const subjects = push.messages.map((m) => m.split('\n', 1)[0]!);
  if (branch.startsWith(branches.control))
    return { wake: false, reason: `push to ${branch} (the loop watches the lease on its own clock)` };
  const first = subjects.find((s) => !isHeartbeatMessage(s));
  if (branch.startsWith(branches.telemetry)) {
    if (subjects.length > 0 && first === undefined)
      return { wake: false, reason: `push to ${branch}: heartbeats only` };
    return { wake: true, reason: `push to ${branch}${first ? `: ${first}` : ''}` };
  }
  if (subjects.length > 0 && subjects.every((s) => s.startsWith(SUPERVISOR_SUBJECT_PREFIX)))
    return { wake: false, reason: `push to ${branch}: the supervisor's own commits` };
  const human = subjects.find((s) => !s.startsWith(SUPERVISOR_SUBJECT_PREFIX));
  return { wake: true, reason: `push to ${branch}${human ? `: ${human}` : ''}` };
}
