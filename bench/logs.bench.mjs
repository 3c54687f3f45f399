// `factoryctl logs --since 1d` over five nodes' week of telemetry: a control repo on a real git
// server (on loopback) with five `telemetry/<node>` branches as a week leaves them. Each node
// journals an event every 15 minutes and commits a heartbeat every 5 (the files made by
// src/domain/telemetry-files.ts's own functions, so journal.jsonl is at its 200-event bound and
// history.jsonl at 288 lines); the branch holds a compaction root and the 400 commits since, as the
// node's compaction leaves it (written on the server by fast-import). STATUS.md holds 20 decisions.
// Timed as a whole process: a new clone's first run, then runs with a pull that finds nothing new,
// then --no-pull. Target: < 1 s.
// Standalone: `node bench/logs.bench.mjs [rounds]` (after `npm run build`).
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupStack, factoryctl, median, snapshotApp } from './bench-kit.mjs';
import { importTs } from './import-ts.mjs';

const TARGET_MS = 1000;
const NODES = 5;
const ROUNDS = Number(process.argv[2] ?? 5);
const HEARTBEAT_MS = 300_000;
const EVENT_EVERY_MS = 900_000;
const WEEK_MS = 7 * 86_400_000;
const COMMITS = 400;

async function load() {
  return importTs(
    `export { nextTelemetryFiles, addToRollup } from './src/domain/telemetry-files.ts';
     export { makeControlRepo, sh, IDENTITY } from './test/support/control-repo.ts';
     export { startGitServer } from './test/support/git-server.ts';`,
    'logs',
  );
}

const nodeName = (i) => `node-${i}`;

/** One node's week: every heartbeat's files, as its daemon would commit them; fast-import input for the last COMMITS. */
function nodeWeek(m, node, index, end) {
  const current = new Map();
  const chunks = [];
  const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const first = end - WEEK_MS;
  let nextEvent = first + index * 60_000;
  let n = 0;
  const total = WEEK_MS / HEARTBEAT_MS;
  for (let t = first; t < end; t += HEARTBEAT_MS, n++) {
    const events = [];
    for (; nextEvent <= t; nextEvent += EVENT_EVERY_MS) {
      const halted = events.length % 2 === 0;
      events.push({
        at: new Date(nextEvent).toISOString(),
        kind: halted ? 'role-halted' : 'role-resumed',
        role: halted ? 'dev' : 'review',
        reason: halted ? 'level 1: MemAvailable 1890 MB < 2000 MB' : 'no pressure: every signal within limits',
      });
    }
    const sample = {
      at: t,
      memAvailableMb: 3000,
      memTotalMb: 8192,
      swapUsedMb: 0,
      disks: [{ mount: '/', usedPercent: 40, freeMb: 30000 }],
      load1: 0.5,
      cores: 2,
    };
    const iso = new Date(t).toISOString();
    const files = m.nextTelemetryFiles(
      current,
      {
        sample,
        decision: { node, level: 0, halted: [], reason: 'no pressure', since: iso, updatedAt: iso },
        roles: { dev: { state: 'run', source: 'none' } },
        events,
        rollup: m.addToRollup(undefined, sample, 0),
      },
      288,
    );
    for (const [k, v] of Object.entries(files)) current.set(k, v);
    // The compaction root holds everything before the last COMMITS heartbeats.
    if (n < total - COMMITS - 1) continue;
    let s = `commit refs/heads/telemetry/${node}\ncommitter ${node} <${node}@example.org> ${Math.floor(t / 1000)} +0000\n`;
    s += data(`telemetry ${node}: heartbeat`);
    for (const [path, text] of current) s += `M 100644 inline ${path}\n${data(text)}`;
    chunks.push(s);
  }
  return chunks.join('\n');
}

function statusMd(end) {
  const minute = (t) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  const lines = Array.from(
    { length: 20 },
    (_, i) => `- ${minute(end - i * 3 * 3_600_000)} UTC: dev moved from node-${i % 5} to node-${(i + 1) % 5}`,
  );
  return `# Factory\n\n## Recent decisions\n\n${lines.join('\n')}\n`;
}

export async function runLogsBench({ rounds = ROUNDS } = {}) {
  const m = await load();
  const cleanup = cleanupStack();
  const tmp = mkdtempSync(join(tmpdir(), 'logs-bench-'));
  cleanup.push(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    const bin = snapshotApp(tmp);
    const load0 = loadavg()[0];
    const end = Date.now();
    const repo = m.makeControlRepo({ files: { 'factory-state/STATUS.md': statusMd(end) } });
    cleanup.push(() => repo.cleanup());
    const input = Array.from({ length: NODES }, (_, i) => nodeWeek(m, nodeName(i), i, end)).join('\n');
    execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.bare, input, maxBuffer: 1 << 30 });
    const kib =
      Number(m.sh(repo.bare, 'git', ['rev-list', '--objects', '--disk-usage', '--branches=telemetry/*'])) / 1024;
    const server = await m.startGitServer(repo.srv);
    cleanup.push(() => server.close());
    const dir = await repo.clone('operator', `${server.url}control.git`);
    const env = { ...process.env, FACTORY_NODE: 'operator' };
    const run = async (args) => {
      const t = performance.now();
      const r = await factoryctl(bin, ['logs', '--since', '1d', '--json', ...args], { cwd: dir, env });
      return { ms: performance.now() - t, events: r.stdout.trim().split('\n').length };
    };
    const first = await run([]);
    const pulled = [];
    const local = [];
    const floor = [];
    const gitPull = [];
    const gitFetch = [];
    const timedGit = async (args) => {
      const t = performance.now();
      await new Promise((resolve, reject) =>
        execFile('git', args, { cwd: dir }, (error) => (error ? reject(error) : resolve())),
      );
      return performance.now() - t;
    };
    for (let r = 0; r < rounds; r++) {
      gitPull.push(await timedGit(['pull', '--ff-only', '--quiet', '--no-rebase', '--no-tags']));
      gitFetch.push(
        await timedGit([
          'fetch',
          '--quiet',
          '--no-tags',
          '--prune',
          'origin',
          '+refs/heads/telemetry/*:refs/remotes/origin/telemetry/*',
        ]),
      );
      const t = performance.now();
      await factoryctl(bin, ['--version'], { cwd: dir, env });
      floor.push(performance.now() - t);
      pulled.push((await run([])).ms);
      local.push((await run(['--no-pull'])).ms);
    }
    return {
      kib,
      events: first.events,
      firstMs: first.ms,
      pullMs: median(pulled),
      localMs: median(local),
      floorMs: median(floor),
      gitPullMs: median(gitPull),
      gitFetchMs: median(gitFetch),
      rounds,
      load: [load0, loadavg()[0]],
    };
  } finally {
    await cleanup.run();
  }
}

export function formatRows(r) {
  const f = (x) => x.toFixed(0);
  const ratio = (ms) => `${(ms / TARGET_MS).toFixed(2)} ${ms < TARGET_MS ? 'met' : '**missed**'}`;
  return [
    `\`factoryctl logs --since 1d --json\` over ${NODES} nodes' week of telemetry (${f(r.kib)} KiB of branches, ${COMMITS} commits each since their compaction; git server on loopback), ms, whole process;`,
    `medians of ${r.rounds} rounds. 1-minute load average ${r.load[0].toFixed(2)} before, ${r.load[1].toFixed(2)} after, on ${cpus().length} cores.`,
    '',
    `| run | ms | events printed | / ${TARGET_MS} ms target |`,
    '| --- | ---: | ---: | --- |',
    `| new clone, first run (fetches every branch) | ${f(r.firstMs)} | ${r.events} | ${ratio(r.firstMs)} |`,
    `| pull and fetch, nothing new | ${f(r.pullMs)} | ${r.events} | ${ratio(r.pullMs)} |`,
    `| --no-pull | ${f(r.localMs)} | ${r.events} | ${ratio(r.localMs)} |`,
    `| of the pull: \`git pull --ff-only\` of main alone | ${f(r.gitPullMs)} | - | - |`,
    `| of the pull: \`git fetch\` of the telemetry branches alone | ${f(r.gitFetchMs)} | - | - |`,
    `| floor: \`factoryctl --version\` (a process that does nothing) | ${f(r.floorMs)} | - | ${ratio(r.floorMs)} |`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runLogsBench();
  process.stdout.write(`${formatRows(r)}\n`);
  if (r.pullMs >= TARGET_MS) process.exitCode = 1;
}
