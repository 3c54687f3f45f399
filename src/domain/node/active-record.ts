/**
 * Drop-in `.<role>-active` files are shared with the factory's own scripts (its supervisor removes
 * `.dev-active` to pause dev, its entrypoint touches them all). factoryctl records what it last
 * wrote; a file that differs from that record was changed by another writer: an outside decision,
 * journaled, never overwritten, and honoured until the file is back to what factoryctl wrote
 * (that writer changed it back). Then factoryctl applies its own wish again.
 * Edge cases: with no record yet (first run, or the record lost) factoryctl applies its own wish,
 * as it did before it kept records; an outside decision stands even when factoryctl comes to want
 * the same, until its writer undoes it; a file factoryctl stops managing leaves the record.
 */
export interface ActiveRecordEntry {
  /** what factoryctl last made this file: present or absent */
  wrote: boolean;
  /** another writer's change, in force */
  outside?: { present: boolean; since: string };
}
export type ActiveRecord = Record<string, ActiveRecordEntry>;

export interface ActiveEvent {
  kind: 'external-halt' | 'external-resume';
  path: string;
  /** true: the writer changed the file back, so its earlier decision ends */
  ends: boolean;
}

export interface ActivePlan {
  create: string[];
  remove: string[];
  record: ActiveRecord;
  events: ActiveEvent[];
}

export function planActiveFiles(
  want: ReadonlyMap<string, boolean>,
  previous: ActiveRecord,
  exists: (path: string) => boolean,
  now: number,
): ActivePlan {
  const plan: ActivePlan = { create: [], remove: [], record: {}, events: [] };
  const since = new Date(now).toISOString();
  for (const [path, present] of want) {
    const seen = exists(path);
    const before = previous[path];
    const kind = seen ? 'external-resume' : 'external-halt';
    if (before?.outside && seen !== before.wrote) {
      plan.record[path] = before; // still the other writer's decision
      continue;
    }
    if (before?.outside) plan.events.push({ kind, path, ends: true });
    else if (before && seen !== before.wrote) {
      plan.events.push({ kind, path, ends: false });
      plan.record[path] = { wrote: before.wrote, outside: { present: seen, since } };
      continue;
    }
    if (present && !seen) plan.create.push(path);
    if (!present && seen) plan.remove.push(path);
    plan.record[path] = { wrote: present };
  }
  return plan;
}

export interface OutsideDecision {
  role: string;
  /** the drop-in file's name in the state directory */
  file: string;
  /** what the other writer made it: absent halts the role, present lets the factory's scripts run it */
  present: boolean;
  since: string;
}

/** The outside decisions in force, by role (`files`: each role's drop-in path): for status and the gate's reason. */
export function outsideDecisions(record: ActiveRecord, files: Record<string, string>): OutsideDecision[] {
  return Object.entries(files).flatMap(([role, path]) => {
    const outside = record[path]?.outside;
    return outside ? [{ role, file: path.slice(path.lastIndexOf('/') + 1), ...outside }] : [];
  });
}

/** The reason a person reads, in the gate and `status`. */
export function describeOutside(o: OutsideDecision, node: string): string {
  return o.present
    ? `another writer created ${o.file} on ${node} (its scripts run ${o.role}); factoryctl leaves it until that writer removes it`
    : `another writer removed ${o.file} on ${node}; honoured until that writer creates it again`;
}

/** One journal line: who changed which file, and what factoryctl does about it. */
export function describeActiveEvent(e: ActiveEvent): string {
  const change = e.kind === 'external-halt' ? 'removed' : 'created';
  return e.ends
    ? `another writer ${change} ${e.path} back: its decision ends, factoryctl manages the file again`
    : `another writer ${change} ${e.path}: honoured, factoryctl leaves the file alone until that writer changes it back`;
}
