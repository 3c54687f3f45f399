import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupPids, killQuietly, ownMemoryCgroupDir, removeCgroup } from './machine-cgroup.js';
import { ipQuietly, linkNames, namespaceNames, namespacePids, rootAddresses } from './machine-net.js';

/**
 * Who owns which leftovers of the machines harness. Every name a run creates carries its run id
 * (namespaces and cgroups `fct-<id>-<node>`, bridge `fcbr<id>`, host-side veths `fcv<id><n>`), and
 * the run's record (its pid and that pid's start time) is written before anything is created: a
 * name whose run has no live owner is a crashed run's, and the next run sweeps it away.
 */

export const RECORDS_DIR = '/run/factoryctl-test-machines';
export const NAME_PREFIX = 'fct-';

export interface RunRecord {
  pid: number;
  started: string;
  cgroupParent: string;
}

export const names = {
  namespace: (run: string, node: string) => `${NAME_PREFIX}${run}-${node}`,
  cgroup: (run: string, node: string) => `${NAME_PREFIX}${run}-${node}`,
  bridge: (run: string) => `fcbr${run}`,
  hostSide: (run: string, index: number) => `fcv${run}${index}`,
};

/** Five lower-case letters and digits: short enough for a 15-byte interface name. */
export function newRunId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function recordRun(run: string, cgroupParent: string): void {
  mkdirSync(RECORDS_DIR, { recursive: true });
  const record: RunRecord = { pid: process.pid, started: startTime(process.pid) ?? '', cgroupParent };
  writeFileSync(join(RECORDS_DIR, `${run}.json`), JSON.stringify(record), { flag: 'wx' });
}

/**
 * Claims a free 10.77.N.0/24 for the run: the claim file is created exclusively, so two runs
 * starting at once never share a subnet; N already on one of the root namespace's addresses is skipped.
 */
export function claimSubnet(run: string): number {
  const taken = new Set(
    rootAddresses()
      .filter((a) => a.startsWith('10.77.'))
      .map((a) => Number(a.split('.')[2])),
  );
  const start = randomBytes(1)[0]!;
  for (let i = 0; i < 256; i++) {
    const n = (start + i) % 256;
    if (taken.has(n)) continue;
    try {
      writeFileSync(join(RECORDS_DIR, `net-${n}`), run, { flag: 'wx' });
      return n;
    } catch {
      // another run's
    }
  }
  throw new Error('no free 10.77.N.0/24 subnet for the machines harness');
}

/** Deletes everything a run created; what is already gone is skipped. */
export function removeRun(run: string, cgroupParent: string): void {
  const namespaces = namespaceNames().filter((n) => n.startsWith(`${NAME_PREFIX}${run}-`));
  const cgroups = existsSync(cgroupParent)
    ? readdirSync(cgroupParent).filter((n) => n.startsWith(`${NAME_PREFIX}${run}-`))
    : [];
  // Processes first: a namespace outlives its name while a process holds it.
  for (const c of cgroups) for (const pid of cgroupPids(join(cgroupParent, c))) killQuietly(pid);
  for (const ns of namespaces) for (const pid of namespacePids(ns)) killQuietly(pid);
  // Deleting the host side deletes the pair now; a namespace's own links go only when the kernel gets to it.
  for (const link of linkNames().filter((l) => l.startsWith(`fcv${run}`))) ipQuietly('link', 'del', link);
  ipQuietly('link', 'del', names.bridge(run));
  for (const ns of namespaces) ipQuietly('netns', 'del', ns);
  for (const c of cgroups) removeCgroup(join(cgroupParent, c));
  for (const claim of readdirSync(RECORDS_DIR).filter((f) => f.startsWith('net-')))
    if (readQuietly(join(RECORDS_DIR, claim)) === run) rmSync(join(RECORDS_DIR, claim), { force: true });
  rmSync(join(RECORDS_DIR, `${run}.json`), { force: true });
}

/** Removes the leftovers of every run whose owner is no longer alive; returns their run ids. */
export function sweepStaleRuns(): string[] {
  mkdirSync(RECORDS_DIR, { recursive: true });
  const ownParent = ownMemoryCgroupDir();
  const runs = new Map<string, string>(); // run id -> its cgroup parent
  for (const ns of namespaceNames()) if (ns.startsWith(NAME_PREFIX)) runs.set(runOf(ns), ownParent);
  for (const link of linkNames()) {
    const m = /^fc(?:br|v)([a-z0-9]{5})/.exec(link);
    if (m) runs.set(m[1]!, ownParent);
  }
  for (const c of readdirSync(ownParent)) if (c.startsWith(NAME_PREFIX)) runs.set(runOf(c), ownParent);
  for (const f of readdirSync(RECORDS_DIR)) {
    if (f.endsWith('.json')) runs.set(f.slice(0, -5), readRecord(f.slice(0, -5))?.cgroupParent ?? ownParent);
    if (f.startsWith('net-')) runs.set(readQuietly(join(RECORDS_DIR, f)) ?? '', ownParent);
  }
  const stale = [...runs.keys()].filter((run) => run !== '' && !ownerAlive(run));
  for (const run of stale) {
    const parent = readRecord(run)?.cgroupParent ?? runs.get(run)!;
    removeRun(run, parent);
    if (parent !== ownParent) removeRun(run, ownParent);
  }
  return stale;
}

function runOf(name: string): string {
  return name.slice(NAME_PREFIX.length).split('-')[0] ?? '';
}

/** Its recorded process still runs (a zombie, which this container's init never reaps, does not). */
function ownerAlive(run: string): boolean {
  const record = readRecord(run);
  if (record === undefined) return false;
  const fields = readQuietly(`/proc/${record.pid}/stat`)?.split(') ').pop()?.split(' ') ?? [];
  return fields[0] !== 'Z' && fields[19] === record.started;
}

function readRecord(run: string): RunRecord | undefined {
  const text = readQuietly(join(RECORDS_DIR, `${run}.json`));
  try {
    return text === undefined ? undefined : (JSON.parse(text) as RunRecord);
  } catch {
    return undefined;
  }
}

/** The process's start time in clock ticks since boot: with the pid, it names one process, reuse aside. */
function startTime(pid: number): string | undefined {
  return readQuietly(`/proc/${pid}/stat`)?.split(') ').pop()?.split(' ')[19];
}

function readQuietly(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
