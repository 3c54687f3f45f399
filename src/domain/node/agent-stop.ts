import type { Policy } from '../config/policy-schema.js';
import type { RoleConfig } from '../config/roles-schema.js';
import { parseDuration } from '../duration.js';
import type { JournalEvent } from '../node-cycle.js';
import { isProtectedRole } from '../pressure/index.js';

/** An agent the sampler found running: its top process and its whole tree (pids, parents first). */
export interface AgentProcess {
  pid: number;
  tree: number[];
  /** When the top process started (ms since the epoch), when the sampler could read it. */
  startedAt?: number;
}

export interface StopTarget extends AgentProcess {
  role: string;
  /** Also signal the run's process group, when the run (its top process or that one's parent) leads one. */
  group?: boolean;
}

/** Which mechanism stops running agents: the loop runner its own children, otherwise the sampled processes are signalled. */
export interface AgentStop {
  by: 'loop-runner' | 'sampled-processes';
  graceMs: number;
}

export interface AgentStopInput {
  level: number;
  policy: Pick<Policy, 'stopRunningAtLevel3' | 'stopGrace'>;
  /** A stop is still in progress (its grace not over). */
  stopping: boolean;
  /** The node's control mechanisms. */
  control: readonly string[];
}

/** Halting keeps new runs from starting; at level 3, when the policy says so, the running ones are stopped too. */
export function decideAgentStop(input: AgentStopInput): AgentStop | undefined {
  if (input.level !== 3 || !input.policy.stopRunningAtLevel3 || input.stopping) return undefined;
  return {
    by: input.control.includes('loop') ? 'loop-runner' : 'sampled-processes',
    graceMs: parseDuration(input.policy.stopGrace),
  };
}

export interface AgentsToStopInput {
  /** Per role, the agents the last sample found. */
  found: Readonly<Record<string, readonly AgentProcess[]>>;
  roles: Readonly<Record<string, Pick<RoleConfig, 'protected'>>>;
  /** The roles whose role-wide state this node keeps. */
  nodeRoles: readonly string[];
  stateOf: (query: { role: string }) => { state: 'run' | 'halt' };
  /** This daemon and its ancestors: the node daemon is never stopped. */
  self: Iterable<number>;
}

/**
 * The running agents of this node's halted roles, and the pids no signal may reach: this daemon,
 * its ancestors and every process of a protected role's agents (a role factory.yaml does not
 * know is spared too: nothing says it may be stopped).
 */
export function agentsToStop(input: AgentsToStopInput): { targets: StopTarget[]; spared: Set<number> } {
  const isProtected = (role: string) => !input.roles[role] || isProtectedRole(role, input.roles[role]);
  const spared = new Set(input.self);
  for (const [role, agents] of Object.entries(input.found))
    if (isProtected(role)) for (const a of agents) for (const pid of a.tree) spared.add(pid);
  const targets = input.nodeRoles
    .filter((role) => !isProtected(role) && input.stateOf({ role }).state === 'halt')
    .flatMap((role) => (input.found[role] ?? []).map((a) => ({ role, ...a })));
  return { targets, spared };
}

/** The journal line of one stopped agent. */
export function agentStoppedEvent(
  stopped: { role: string; pid: number; pids: number[]; by: 'SIGTERM' | 'SIGKILL' },
  graceMs: number,
  now: number,
): JournalEvent {
  const how = stopped.by === 'SIGKILL' ? `SIGTERM, then SIGKILL after ${graceMs} ms` : 'SIGTERM';
  const reason = `level 3: stopped the running ${stopped.role} agent (pid ${stopped.pid}, processes ${stopped.pids.join(' ')}) by ${how}`;
  return { at: new Date(now).toISOString(), kind: 'agent-stopped', role: stopped.role, reason };
}
