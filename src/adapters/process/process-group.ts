import { readdirSync, readFileSync } from 'node:fs';

/**
 * Live members of a process group, zombies excluded. An agent's shell may exit while what it
 * started runs on, so "the agent is done" means its group is empty, not that its shell exited.
 * kill(-pgid, 0) is not enough: it counts zombies, and an init that does not reap (containers)
 * keeps those forever. Linux /proc; elsewhere, the group is taken as gone with its leader.
 */
export function groupMembers(pgid: number): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(pid));
  }
  return members;
}

/** Signals the whole group; false when nothing was there to signal. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
