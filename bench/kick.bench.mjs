// Commit-to-applied on a remote node: the time from a commit landing on the control repo's main
// (a human's `factoryctl halt dev --node N`, then `resume`, alternately) to the node's halt file
// <runDir>/halt/dev appearing (or going). Each node is a machine of the test harness (its own
// network namespace, address, memory cgroup and sshd), running the built `factoryctl node` on its
// clone of a real git server that listens on the harness's gateway. Two ways to get there, one
// node each, measured at the same time (the pull series is mostly waiting):
//   - kick (n1): right after the push returns, `ssh n1 sync` through the node's forced command
//     (`factoryctl node rpc`, installed by `factoryctl node install --ssh-key ... --write`), over
//     the supervisor's multiplexed client (src/adapters/ssh/ssh-client.ts); warm: the master is
//     up (the supervisor keeps one per node); cold: a new connection for each kick;
//   - pull (n2): nothing but the node's own pull (every 30 s, PULL_EVERY_MS, not configurable) and the
//     cycle after it (policy.sampleInterval, the template's 5 s). Each push lands at a phase of the
//     pull period spread evenly over it (after a sync resets the period), so the median is fair.
// Target: kick <= 2 s median. Needs root (namespaces, cgroups).
// Standalone: `node bench/kick.bench.mjs [warmKicks] [pullTrials]` (after `npm run build`).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify, parse } from 'yaml';
import {
  cleanupStack,
  factoryctl,
  median,
  refSha,
  root,
  sleep,
  snapshotApp,
  waitUntil,
  watchChild,
} from './bench-kit.mjs';
import { importTs } from './import-ts.mjs';

const TARGET_KICK_MS = 2000;
const PULL_EVERY_MS = 30_000;
const WARM_KICKS = Number(process.argv[2] ?? 5);
const COLD_KICKS = 3;
const PULL_TRIALS = Number(process.argv[3] ?? 3);
// n1 is kicked; n2, at the same time, only pulls (its series is mostly waiting).
const NODES = ['n1', 'n2'];

async function load() {
  return importTs(
    `export { startMachines } from './test/support/machines.ts';
     export { startGitServer } from './test/support/git-server.ts';
     export { makeControlRepo } from './test/support/control-repo.ts';
     export { ensureMaster, sshCall, closeMaster } from './src/adapters/ssh/ssh-client.ts';`,
    'kick',
  );
}

/** The template's factory.yaml (its policy: 5 s samples) with the two named nodes. */
function factoryYaml() {
  const doc = parse(readFileSync(join(root, 'factory.yaml'), 'utf8'));
  doc.nodes = Object.fromEntries(
    NODES.map((n) => [n, { roles: ['dev', 'review', 'supervisor'], control: ['halt-files'] }]),
  );
  return stringify(doc);
}

/** One timed change: push landed (our commit on the server's main) -> the halt file's state flipped. */
async function trial({ bare, admin, bin, env, node, haltFile, kick }) {
  const halted = existsSync(haltFile);
  // The server's main, polled while the CLI commits and pushes; the other node's series pushes too,
  // so the push has landed when main first holds our commit (the admin clone's HEAD afterwards).
  const seen = new Map();
  const watch = setInterval(() => {
    const sha = refSha(bare, 'refs/heads/main');
    if (!seen.has(sha)) seen.set(sha, performance.now());
  }, 1);
  try {
    const args = halted ? ['resume', 'dev', '--node', node] : ['halt', 'dev', '--node', node, '--reason', 'bench'];
    await factoryctl(bin, args, { cwd: admin, env });
  } finally {
    clearInterval(watch);
  }
  const ours = (await run('git', ['-C', admin, 'rev-parse', 'HEAD'])).trim();
  let landedAt = seen.get(ours);
  for (const [sha, at] of seen)
    if (landedAt === undefined && (await run('git', ['-C', bare, 'merge-base', '--is-ancestor', ours, sha], true)))
      landedAt = at;
  landedAt ??= performance.now();
  let kickMs;
  if (kick) {
    const t = performance.now();
    const answer = await kick();
    kickMs = performance.now() - t;
    if (!answer.ok || answer.code !== 0) throw new Error(`sync failed: ${JSON.stringify(answer)}`);
  }
  const appliedAt = await waitUntil(
    () => (existsSync(haltFile) !== halted ? performance.now() : undefined),
    PULL_EVERY_MS * 2 + 20_000,
    `${node} to ${halted ? 'resume' : 'halt'} dev`,
    2,
  );
  return { ms: appliedAt - landedAt, kickMs };
}

/** A command's stdout; with `status`, whether it exited 0. */
function run(cmd, args, status = false) {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, (error, stdout) => {
      if (status) resolve(!error);
      else if (error) reject(error);
      else resolve(stdout);
    }),
  );
}

/** A machine running `factoryctl node` on its clone, its forced command installed, and the ssh client to it. */
async function startNodeDaemon(m, { machines, name, repo, url, bin, tmp, cleanup }) {
  const node = machines.node(name);
  const clone = await repo.clone(name, url);
  const env = {
    ...process.env,
    FACTORY_NODE: name,
    FACTORY_RUN_DIR: join(repo.root, `run-${name}`),
    FACTORY_STATE_DIR: join(repo.root, `state-${name}`),
  };
  const install = ['node', 'install', '--ssh-key', `${node.sshd.clientKey}.pub`, '--from', machines.gateway];
  await factoryctl(bin, [...install, '--write', '--path', node.sshd.authorizedKeys], { cwd: clone, env });
  const daemon = watchChild(
    node.spawn(process.execPath, [bin, 'node'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  cleanup.push(() => daemon.stop());
  const runFile = (f) => join(env.FACTORY_RUN_DIR, f);
  await waitUntil(
    () => existsSync(runFile('rpc/kick.json')) && existsSync(runFile('decision.json')),
    60_000,
    `${name}'s first cycle`,
    20,
  ).catch((error) => Promise.reject(new Error(`${error.message}; it said: ${daemon.lines.join(' | ')}`)));
  const knownHosts = join(tmp, `known_hosts-${name}`);
  writeFileSync(knownHosts, '');
  const target = { user: node.sshd.user, host: node.address, port: node.sshd.port };
  const ssh = {
    controlDir: join(tmp, 'ssh'),
    identityFile: node.sshd.clientKey,
    knownHostsFile: knownHosts,
    connectTimeoutMs: 5000,
    timeoutMs: 60_000,
  };
  cleanup.push(() => m.closeMaster(target, ssh));
  const call = (verb) => m.sshCall(target, [verb], ssh);
  return {
    name,
    node,
    clone,
    haltFile: runFile('halt/dev'),
    kick: () => call('sync'),
    status: () => call('status'),
    openMaster: () => m.ensureMaster(target, ssh),
    closeMaster: () => m.closeMaster(target, ssh),
  };
}

/** Kicks on `n`: first each over a new connection, then over its master; then the floor of the path. */
async function kickTrials(n, base, { cold, warm }) {
  const coldRows = [];
  for (let i = 0; i < cold; i++) {
    await n.closeMaster();
    coldRows.push(await trial({ ...base, node: n.name, haltFile: n.haltFile, kick: n.kick }));
  }
  const opened = await n.openMaster();
  if (opened) throw new Error(opened.error);
  const warmRows = [];
  for (let i = 0; i < warm; i++)
    warmRows.push(await trial({ ...base, node: n.name, haltFile: n.haltFile, kick: n.kick }));
  // The floor: the forced command's round trip doing no work (`status`), and a fetch with nothing new, in the node.
  const floor = { status: [], fetch: [], idleSync: [] };
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    const idle = await n.kick(); // nothing new to pull or apply: the fixed cost of a kick
    if (!idle.ok || idle.code !== 0) throw new Error(`sync failed: ${JSON.stringify(idle)}`);
    floor.idleSync.push(performance.now() - t);
    t = performance.now();
    const s = await n.status();
    if (!s.ok || s.code !== 0) throw new Error(`status failed: ${JSON.stringify(s)}`);
    floor.status.push(performance.now() - t);
    t = performance.now();
    const f = await n.node.exec('git', ['-C', n.clone, 'fetch', '-q', 'origin'], { timeoutMs: 30_000 });
    if (f.code !== 0) throw new Error(`git fetch in ${n.name}: ${f.stderr}`);
    floor.fetch.push(performance.now() - t);
  }
  return { cold: coldRows, warm: warmRows, floorMs: median(floor.status) + median(floor.fetch), floor };
}

/** Pushes for `n` spread evenly over its pull period (a sync restarts the period), applied by its own pull. */
async function pullTrials(n, base, trials) {
  const rows = [];
  for (let i = 0; i < trials; i++) {
    const synced = await n.kick();
    if (!synced.ok || synced.code !== 0) throw new Error(`sync failed: ${JSON.stringify(synced)}`);
    const phase = ((i + 0.5) / trials) * PULL_EVERY_MS;
    await sleep(phase);
    rows.push({ ...(await trial({ ...base, node: n.name, haltFile: n.haltFile })), phase });
  }
  return rows;
}

export async function runKickBench({ warmKicks = WARM_KICKS, pullTrials: pulls = PULL_TRIALS } = {}) {
  const m = await load();
  const cleanup = cleanupStack();
  const tmp = mkdtempSync(join(tmpdir(), 'kick-bench-'));
  cleanup.push(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    const bin = snapshotApp(tmp);
    const machines = await m.startMachines({ nodes: NODES.map((name) => ({ name, memLimitMb: 4096 })) });
    cleanup.push(() => machines.stop());
    const repo = m.makeControlRepo({ factoryYaml: factoryYaml() });
    cleanup.push(() => repo.cleanup());
    const git = await m.startGitServer(repo.srv, { host: machines.gateway });
    cleanup.push(() => git.close());
    const url = `${git.urlAt(machines.gateway)}control.git`;
    const ctx = { machines, repo, url, bin, tmp, cleanup };
    const [kicked, pulled] = await Promise.all(NODES.map((name) => startNodeDaemon(m, { ...ctx, name })));
    const env = { ...process.env, FACTORY_NODE: 'admin' };
    // One human's clone per node: the two series run at once, their pushes retried by the CLI's compare-and-swap.
    const base = (name) => repo.clone(`admin-${name}`, url).then((admin) => ({ bare: repo.bare, admin, bin, env }));
    const load0 = loadavg()[0];
    const [k, p] = await Promise.all([
      base(kicked.name).then((b) => kickTrials(kicked, b, { cold: COLD_KICKS, warm: warmKicks })),
      base(pulled.name).then((b) => pullTrials(pulled, b, pulls)),
    ]);
    return { ...k, pull: p, sampleIntervalMs: 5000, load: [load0, loadavg()[0]] };
  } finally {
    await cleanup.run();
  }
}

export function formatRows(r) {
  const f = (n) => (n === undefined ? '-' : n.toFixed(0));
  const row = (name, xs, target) => {
    const ms = xs.map((x) => x.ms);
    const med = median(ms);
    const call = xs[0].kickMs === undefined ? '-' : f(median(xs.map((x) => x.kickMs)));
    const vsTarget = target ? `${(med / target).toFixed(2)} ${med <= target ? 'met' : '**missed**'}` : '-';
    return `| ${name} | ${xs.length} | ${f(med)} | ${f(Math.min(...ms))} | ${f(Math.max(...ms))} | ${call} | ${(med / r.floorMs).toFixed(2)} | ${vsTarget} |`;
  };
  return [
    'push landed on main -> halt file changed on the node (`halt dev --node N`, then `resume`, alternately), ms.',
    `Each node a network namespace with its own sshd and memory cgroup; the git server on the bridge.`,
    `Pull: the node's own pull every ${PULL_EVERY_MS / 1000} s and its cycle every ${r.sampleIntervalMs / 1000} s (the defaults),`,
    'pushes spread evenly over the pull period. Floor: the forced command doing nothing (`ssh N status`,',
    `median ${f(median(r.floor.status))}) + a fetch with nothing new in the node (median ${f(median(r.floor.fetch))}) = ${f(r.floorMs)};`,
    `a kick with nothing new to pull or apply: median ${f(median(r.floor.idleSync))}.`,
    `1-minute load average ${r.load[0].toFixed(2)} before, ${r.load[1].toFixed(2)} after, on ${cpus().length} cores.`,
    '',
    `| path | trials | median | min | max | ssh sync call, median | median / floor | median / ${TARGET_KICK_MS} ms target |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    row('kick over the master (`ssh n1 sync`)', r.warm, TARGET_KICK_MS),
    row('kick, a new connection each time', r.cold, TARGET_KICK_MS),
    row('pull only (n2, no kick)', r.pull),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.getuid?.() !== 0) {
  console.log('skipped: the machines harness needs root (network namespaces, cgroups)');
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runKickBench();
  process.stdout.write(`${formatRows(r)}\n`);
  if (median(r.warm.map((x) => x.ms)) > TARGET_KICK_MS) process.exitCode = 1;
}
