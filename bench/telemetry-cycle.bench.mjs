// The supervisor's cycle against the number of nodes: a control repo on a real git server (on
// loopback) with N `telemetry/<node>` branches and factory.yaml listing the N nodes (placement on
// from two nodes up, whether or not the cycle places: the bench only runs it), the forge and CI
// on the contract-checked emulator. Each branch holds what a node commits after a day: the files
// of src/domain/telemetry-files.ts made by its own functions (sample.json, decision.json,
// roles.json, history.jsonl at its 288-line bound, journal.jsonl with 60 events), a root commit
// (a compaction) and one heartbeat; the nodes' pushes are simulated by fast-import on the server.
// Per size: the `git fetch` of the telemetry refs as the supervisor runs it (a new clone: all
// branches; after one heartbeat of every node; with nothing new), the first `supervise --once`
// of a new clone, then rounds of "every node commits a heartbeat, the supervisor cycles", timed
// as a whole `supervise --once` process (cron mode) and as the daemon's runCycle in-process.
// Target: cycle at 200 nodes <= 5 s.
// Standalone: `node bench/telemetry-cycle.bench.mjs [rounds]` (after `npm run build`).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupStack, factoryctl, median, snapshotApp } from './bench-kit.mjs';
import { importTs } from './import-ts.mjs';

const TARGET_MS = 5000;
const SIZES = [5, 50, 200];
const ROUNDS = Number(process.argv[2] ?? 2);
const HEARTBEAT_MS = 300_000;
const KEEP_SAMPLES = 288;
const JOURNAL_EVENTS = 60;
const FIRST_COMMITS = 2;

async function load() {
  return importTs(
    `export { runCycle, newMemory } from './src/runtime/supervisor/cycle.ts';
     export { addToRollup, historyLine, nextTelemetryFiles } from './src/domain/telemetry-files.ts';
     export { startEmulator } from './test/support/emulator/index.ts';
     export { makeControlRepo, sh } from './test/support/control-repo.ts';
     export { startGitServer } from './test/support/git-server.ts';
     export { factoryYaml } from './test/support/supervise-fixture.ts';`,
    'telemetry-cycle',
  );
}

const nodeName = (i) => `node-${String(i).padStart(3, '0')}`;

/** One node's telemetry as its daemon would commit it, kept between commits (history and journal grow). */
function nodeTelemetry(m, node, index, startAt) {
  const total = [4096, 8192, 16384][index % 3];
  const sampleAt = (at) => ({
    at,
    memAvailableMb: Math.round(total * (0.4 + 0.3 * Math.sin(at / 3.6e6 + index))),
    memTotalMb: total,
    swapUsedMb: 0,
    disks: [{ mount: '/', usedPercent: 40 + (index % 30), freeMb: 30_000 }],
    load1: 0.5 + (index % 7) / 10,
    cores: 2 + (index % 3) * 2,
    cpuBusyPercent: 20 + (index % 50),
    agents: { dev: { count: 1, rssMb: 900 }, review: { count: 0, rssMb: 0 } },
    memLimit: { source: 'meminfo' },
  });
  // a day of roll-ups, and the journal of a few halts and resumes
  const current = new Map();
  const history = [];
  for (let t = startAt - KEEP_SAMPLES * HEARTBEAT_MS; t < startAt; t += HEARTBEAT_MS) {
    let r;
    for (let s = t; s < t + HEARTBEAT_MS; s += 60_000) r = m.addToRollup(r, sampleAt(s), 0);
    history.push(JSON.stringify(m.historyLine(r)));
  }
  current.set('history.jsonl', `${history.join('\n')}\n`);
  const journal = [];
  for (let e = 0; e < JOURNAL_EVENTS; e++) {
    const at = new Date(startAt - (JOURNAL_EVENTS - e) * 1_200_000).toISOString();
    const halted = e % 2 === 0;
    journal.push(
      JSON.stringify({
        at,
        kind: halted ? 'role-halted' : 'role-resumed',
        role: 'dev',
        from: halted ? 'none' : 'node',
        to: halted ? 'node' : 'none',
        reason: halted ? `level 1: MemAvailable 1890 MB < 2000 MB` : 'no pressure: every signal within limits',
      }),
    );
  }
  current.set('journal.jsonl', `${journal.join('\n')}\n`);
  return {
    node,
    /** The files of the next heartbeat at `at`. */
    next(at) {
      let rollup;
      for (let s = at - HEARTBEAT_MS; s <= at; s += 60_000) rollup = m.addToRollup(rollup, sampleAt(s), 0);
      const iso = new Date(at).toISOString();
      const files = m.nextTelemetryFiles(
        current,
        {
          sample: sampleAt(at),
          decision: {
            node,
            level: 0,
            halted: [],
            reason: 'no pressure: every signal within limits',
            since: new Date(startAt - 3_600_000).toISOString(),
            updatedAt: iso,
          },
          roles: {
            dev: { state: 'run', source: 'none' },
            review: { state: 'run', source: 'none' },
            supervisor: { state: 'run', source: 'none' },
          },
          events: [],
          rollup,
        },
        KEEP_SAMPLES,
      );
      for (const [k, v] of Object.entries(files)) current.set(k, v);
      return files;
    },
  };
}

/** Every node commits `commits` heartbeats ending at `at`, written on the server by fast-import. */
function commitHeartbeats(bare, nodes, at, commits, first) {
  const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const chunks = [];
  for (const n of nodes) {
    for (let c = 0; c < commits; c++) {
      const t = at - (commits - 1 - c) * HEARTBEAT_MS;
      const files = n.next(t);
      let s = `commit refs/heads/telemetry/${n.node}\ncommitter ${n.node} <${n.node}@example.org> ${Math.floor(t / 1000)} +0000\n`;
      s += data(`telemetry ${n.node}: heartbeat`);
      if (c === 0 && !first) s += `from refs/heads/telemetry/${n.node}^0\n`;
      for (const [path, text] of Object.entries(files)) s += `M 100644 inline ${path}\n${data(text)}`;
      chunks.push(s);
    }
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: bare, input: chunks.join('\n'), maxBuffer: 1 << 30 });
}

/** factory.yaml of the supervise fixture (emulator forge and CI), the template's 5 s pull bound, N nodes. */
function yamlFor(m, emu, n) {
  const nodes = Array.from({ length: n }, (_, i) => [
    `  ${nodeName(i)}:`,
    '    roles: [dev, review, supervisor]',
    '    control: [halt-files]',
    `    labels: { size: ${i % 3 === 2 ? 'large' : 'small'} }`,
  ]).flat();
  return m
    .factoryYaml(emu, ['requestTimeout: 10s'])
    .replace('pullTimeout: 2s', 'pullTimeout: 5s')
    .replace(/^nodes:\n(?:[ #].*\n)*/m, `nodes:\n${nodes.join('\n')}\n`);
}

const git = (cwd, args) =>
  new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')}: ${err}`))));
  });
/** The supervisor's telemetry fetch (src/adapters/telemetry/read.ts fetchTelemetry), timed. */
async function timedFetch(dir) {
  const t = performance.now();
  await git(dir, [
    'fetch',
    '--quiet',
    '--no-tags',
    '--prune',
    'origin',
    '+refs/heads/telemetry/*:refs/remotes/origin/telemetry/*',
  ]);
  return performance.now() - t;
}
const refs = (m, dir, prefix) => m.sh(dir, 'git', ['for-each-ref', '--format=%(objectname)', prefix]);

async function measureSize(m, bin, n, rounds, cleanup) {
  const emu = await m.startEmulator();
  cleanup.push(() => emu.close());
  emu.forgejo.createRepo('org/app');
  const ciId = emu.woodpecker.createRepo('org/app').id;
  const repo = m.makeControlRepo({
    factoryYaml: yamlFor(m, emu, n),
    files: { 'repos/org/app.yaml': `forge: emu\nci: { server: wp, repoId: ${ciId} }\n` },
  });
  cleanup.push(() => repo.cleanup());
  const server = await m.startGitServer(repo.srv);
  cleanup.push(() => server.close());
  const url = `${server.url}control.git`;
  const supervisor = await repo.clone('supervisor', url);
  const probe = await repo.clone('probe', url);
  const env = {
    ...process.env,
    FACTORY_NODE: nodeName(0),
    FORGE_TOKEN: emu.forgejoToken,
    WP_TOKEN: emu.woodpeckerToken,
  };

  let at = Date.now() - HEARTBEAT_MS;
  const nodes = Array.from({ length: n }, (_, i) =>
    nodeTelemetry(m, nodeName(i), i, at - FIRST_COMMITS * HEARTBEAT_MS),
  );
  commitHeartbeats(repo.bare, nodes, at, FIRST_COMMITS, true);
  const kib =
    Number(m.sh(repo.bare, 'git', ['rev-list', '--objects', '--disk-usage', '--branches=telemetry/*'])) / 1024;
  const coldFetchMs = await timedFetch(probe);

  const cycleOnce = async (dir) => {
    const t = performance.now();
    const r = await factoryctl(bin, ['supervise', '--once', '--json'], { cwd: dir, env, timeoutMs: 120_000 });
    const ms = performance.now() - t;
    // every branch fetched: the cycle saw all N nodes as the server has them
    if (refs(m, dir, 'refs/remotes/origin/telemetry/') !== refs(m, repo.bare, 'refs/heads/telemetry/'))
      throw new Error(`the cycle at ${n} nodes did not fetch every telemetry branch: ${r.stderr}`);
    return ms;
  };
  const firstCycleMs = await cycleOnce(supervisor);
  // The daemon: one memory across cycles, as its loop keeps it; on the same clone as the --once runs (one
  // supervisor, the lease's holder, run two ways in turn).
  const memory = m.newMemory();
  const deps = {
    dir: supervisor,
    env,
    node: nodeName(0),
    now: () => Date.now(),
    mono: () => performance.now(),
    log: () => undefined,
  };
  const inProcess = async () => {
    const t = performance.now();
    const o = await m.runCycle(deps, memory);
    const ms = performance.now() - t;
    if (o.kind !== 'ok') throw new Error(`runCycle at ${n} nodes: ${o.kind}: ${o.error ?? ''}`);
    return { ms, o };
  };
  const firstInProcess = await inProcess();

  const rows = { warmFetch: [], noopFetch: [], cycle: [], daemon: [] };
  // Heartbeats on the wall clock (the files' times stay in the past); before each timed cycle every node has a new one.
  const beat = () => commitHeartbeats(repo.bare, nodes, (at = Math.max(Date.now(), at + 1000)), 1, false);
  for (let r = 0; r < rounds; r++) {
    beat();
    rows.warmFetch.push(await timedFetch(probe));
    rows.noopFetch.push(await timedFetch(probe));
    rows.cycle.push(await cycleOnce(supervisor));
    beat();
    rows.daemon.push((await inProcess()).ms);
  }

  const placed = m
    .sh(repo.bare, 'git', ['ls-tree', '--name-only', 'main', 'factory-state/'])
    .includes('assignments.yaml');
  return {
    nodes: n,
    kib,
    coldFetchMs,
    warmFetchMs: median(rows.warmFetch),
    noopFetchMs: median(rows.noopFetch),
    firstCycleMs,
    firstDaemonMs: firstInProcess.ms,
    cycleMs: median(rows.cycle),
    daemonMs: median(rows.daemon),
    placed,
    rounds,
  };
}

export async function runTelemetryCycleBench({ sizes = SIZES, rounds = ROUNDS } = {}) {
  const m = await load();
  const cleanup = cleanupStack();
  const tmp = mkdtempSync(join(tmpdir(), 'telemetry-cycle-bench-'));
  cleanup.push(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    const bin = snapshotApp(tmp);
    const load0 = loadavg()[0];
    const rows = [];
    for (const n of sizes) {
      const mark = cleanup.mark();
      try {
        rows.push(await measureSize(m, bin, n, rounds, cleanup));
      } finally {
        await cleanup.unwind(mark);
      }
    }
    return { rows, load: [load0, loadavg()[0]] };
  } finally {
    await cleanup.run();
  }
}

export function formatRows({ rows, load: l }) {
  const f = (x) => x.toFixed(0);
  const rounds = rows[0]?.rounds;
  return [
    `telemetry fetch and supervisor cycle against the number of nodes, ms (git server on loopback, forge on the emulator);`,
    `steady: medians of ${rounds} rounds of "every node commits one heartbeat, then the fetch / the cycle".`,
    `Cycle: a whole \`supervise --once\` process (cron mode), and runCycle in-process with the daemon's memory.`,
    `1-minute load average ${l[0].toFixed(2)} before, ${l[1].toFixed(2)} after, on ${cpus().length} cores.`,
    '',
    `| nodes | branches KiB | fetch: new clone | fetch: one heartbeat each | fetch: nothing new | first --once | --once | daemon cycle | assignments.yaml | --once / ${TARGET_MS} ms target |`,
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.nodes} | ${f(r.kib)} | ${f(r.coldFetchMs)} | ${f(r.warmFetchMs)} | ${f(r.noopFetchMs)} | ${f(r.firstCycleMs)} | ${f(r.cycleMs)} | ${f(r.daemonMs)} | ${r.placed ? 'written' : 'none'} | ${(r.cycleMs / TARGET_MS).toFixed(2)} ${r.cycleMs <= TARGET_MS ? 'met' : '**missed**'} |`,
    ),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runTelemetryCycleBench();
  process.stdout.write(`${formatRows(r)}\n`);
  const big = r.rows.find((x) => x.nodes === 200);
  if (big && big.cycleMs > TARGET_MS) process.exitCode = 1;
}
