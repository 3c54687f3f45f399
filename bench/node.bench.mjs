// The node daemon against the issue's targets:
// - resident memory of a running `factoryctl node` after some cycles, beside a bare node process
//   that only keeps a timer (target: within 20 MB);
// - time from a signal crossing its halt threshold (hold 0) to the halt file, root's crontab and
//   the gate all showing the halt (target: one sample interval + 100 ms);
// - size of the telemetry branch on the server after a simulated week at the default intervals
//   (5 s samples, 5 min heartbeat, a few halts a day), after the server's `git gc` (target <= 5 MB).
// The sampler's CPU per sample is bench/sampler.bench.mjs.
// Standalone: `node bench/node.bench.mjs [--days N] [--trials N]` (root: it mounts a tmpfs and
// borrows root's crontab, restoring it). From bench/run.mjs or elsewhere: runNodeBench(), formatNodeTables().
import { build } from 'esbuild';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  openSync,
  fsyncSync,
  closeSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(root, 'bin/factoryctl.js');
const CRON_LOCK = '/tmp/factoryctl-root-crontab.lock';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const ID = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'b@example.org',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'b@example.org',
};

function factoryYaml(policy, telemetry, control = ['halt-files', 'crontab']) {
  return stringify({
    version: 1,
    name: 'bench',
    gate: { pullTimeout: '2s', maxStaleness: '15m' },
    roles: {
      dev: { haltLevel: 1, heavy: true, command: './dev-poll.sh', schedule: { min: '2m', max: '30m' } },
      review: { haltLevel: 2, command: './review-poll.sh', schedule: { min: '2m', max: '30m' } },
      supervisor: { protected: true, schedule: { min: '1m', max: '15m' } },
    },
    nodes: { default: { roles: ['dev', 'review', 'supervisor'], control } },
    policy,
    ...(telemetry ? { telemetry } : {}),
  });
}

/** A bare control repo and a clone of it, under `dir`. */
function controlRepo(dir, yaml) {
  const seed = join(dir, 'seed');
  mkdirSync(join(seed, 'factory-state'), { recursive: true });
  writeFileSync(join(seed, 'factory.yaml'), yaml);
  writeFileSync(join(seed, 'factory-state/overrides.yaml'), 'overrides: []\n');
  writeFileSync(join(seed, 'factory-state/halts.yaml'), 'halts: []\n');
  execFileSync('git', ['init', '-q', '-b', 'main', seed]);
  git(seed, 'add', '-A');
  execFileSync('git', ['commit', '-qm', 'seed'], { cwd: seed, env: { ...process.env, ...ID } });
  const bare = join(dir, 'control.git');
  git(dir, 'clone', '-q', '--bare', seed, bare);
  const clone = join(dir, 'clone');
  git(dir, 'clone', '-q', bare, clone);
  return { bare, clone };
}

function vmRssMb(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, CLK_TCK 100
}

async function holdCrontab() {
  for (let i = 0; ; i++) {
    try {
      mkdirSync(CRON_LOCK);
      writeFileSync(join(CRON_LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      if (i > 2400) throw new Error(`root's crontab is held (${CRON_LOCK})`);
      await sleep(50);
    }
  }
  const r = spawnSync('crontab', ['-l'], { encoding: 'utf8' });
  const saved = r.status === 0 ? r.stdout : '';
  return () => {
    if (saved === '') spawnSync('crontab', ['-r']);
    else execFileSync('crontab', ['-'], { input: saved });
    rmSync(CRON_LOCK, { recursive: true, force: true });
  };
}

function startDaemon(clone, env, args = []) {
  const child = spawn(process.execPath, [BIN, 'node', ...args], {
    cwd: clone,
    env: { ...process.env, FACTORY_NODE: 'bench-node', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { child, stderr: () => err, stop: async () => (child.kill('SIGTERM'), exited) };
}

async function waitUntil(check, withinMs, what) {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Resident memory of the daemon after `cycles` cycles at 1 s, beside a bare timer-keeping node. */
export async function measureMemory({ cycles = 20 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'node-bench-rss-'));
  try {
    const { clone } = controlRepo(dir, factoryYaml({ sampleInterval: '1s', mounts: ['/'] }, undefined, ['halt-files']));
    const env = { FACTORY_RUN_DIR: join(dir, 'run'), FACTORY_STATE_DIR: join(dir, 'state') };
    const daemon = startDaemon(clone, env);
    const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await sleep(1000);
      const cpu0 = cpuMsOf(daemon.child.pid);
      const started = Date.now();
      await sleep(cycles * 1000);
      const seconds = (Date.now() - started) / 1000;
      const daemonMb = vmRssMb(daemon.child.pid);
      const bareMb = vmRssMb(bare.pid);
      return {
        cycles,
        daemonMb,
        bareMb,
        extraMb: daemonMb - bareMb,
        cpuPercent: ((cpuMsOf(daemon.child.pid) - cpu0) / (seconds * 1000)) * 100,
      };
    } finally {
      bare.kill('SIGKILL');
      await daemon.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Time from a filesystem crossing its halt line to the halt file, the crontab and the gate's input showing it. */
export async function measureReaction({ trials = 8, intervalMs = 1000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'node-bench-react-'));
  const disk = join(dir, 'disk');
  mkdirSync(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', disk]);
  const release = await holdCrontab();
  try {
    const policy = {
      sampleInterval: `${intervalMs}ms`,
      hold: '0s',
      resumeHold: '0s',
      stabilisation: '0s',
      mounts: [disk],
      levels: { 1: { diskUsedPercent: { halt: 50, resume: 30 } } },
    };
    const { clone } = controlRepo(dir, factoryYaml(policy));
    const env = { FACTORY_RUN_DIR: join(dir, 'run'), FACTORY_STATE_DIR: join(dir, 'state') };
    const haltFile = join(env.FACTORY_RUN_DIR, 'halt/dev');
    const decision = join(env.FACTORY_RUN_DIR, 'decision.json');
    const devHaltedInCron = () => {
      const table = spawnSync('crontab', ['-l'], { encoding: 'utf8' }).stdout ?? '';
      const lines = table.split('\n').filter((l) => l.includes("gate 'dev'"));
      return lines.length > 0 && lines.every((l) => l.startsWith('#'));
    };
    const decisionHalts = () => {
      try {
        return JSON.parse(readFileSync(decision, 'utf8')).halted.includes('dev');
      } catch {
        return false;
      }
    };
    const daemon = startDaemon(clone, env);
    const rows = [];
    try {
      await waitUntil(
        () => existsSync(join(env.FACTORY_STATE_DIR, '.dev-active')) && !devHaltedInCron(),
        20_000,
        'a first cycle',
      );
      for (let t = 0; t < trials; t++) {
        await sleep(Math.random() * intervalMs); // cross at a random point of the cycle
        const filler = join(disk, 'filler');
        const fd = openSync(filler, 'w');
        writeSync(fd, Buffer.alloc(40 * 1024 * 1024, 1));
        fsyncSync(fd);
        closeSync(fd);
        const t0 = performance.now();
        const seen = {};
        await waitUntil(
          () => {
            const at = performance.now() - t0;
            if (seen.decision === undefined && decisionHalts()) seen.decision = at;
            if (seen.haltFile === undefined && existsSync(haltFile)) seen.haltFile = at;
            if (seen.crontab === undefined && devHaltedInCron()) seen.crontab = at;
            return seen.decision !== undefined && seen.haltFile !== undefined && seen.crontab !== undefined;
          },
          10 * intervalMs + 5000,
          'the halt',
        );
        const all = Math.max(seen.decision, seen.haltFile, seen.crontab);
        const gate = spawnSync(process.execPath, [BIN, 'gate', 'dev', '--no-pull'], {
          cwd: clone,
          env: { ...process.env, FACTORY_NODE: 'bench-node', ...env },
          encoding: 'utf8',
        });
        if (gate.status !== 75) throw new Error(`gate said ${gate.status}, expected 75: ${gate.stderr}`);
        rows.push({ ...seen, all });
        rmSync(filler);
        await waitUntil(() => !existsSync(haltFile) && !devHaltedInCron(), 10 * intervalMs + 5000, 'the resume');
      }
    } finally {
      await daemon.stop();
    }
    const median = (k) => [...rows.map((r) => r[k])].sort((a, b) => a - b)[Math.floor(rows.length / 2)];
    const max = (k) => Math.max(...rows.map((r) => r[k]));
    return {
      trials,
      intervalMs,
      median: {
        decision: median('decision'),
        haltFile: median('haltFile'),
        crontab: median('crontab'),
        all: median('all'),
      },
      max: { decision: max('decision'), haltFile: max('haltFile'), crontab: max('crontab'), all: max('all') },
    };
  } finally {
    release();
    spawnSync('umount', [disk]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function loadTelemetry() {
  const result = await build({
    stdin: {
      contents: "export * from './src/adapters/telemetry/branch.ts'; export * from './src/domain/telemetry-files.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
}

/**
 * A simulated week of one node's telemetry at the defaults (5 s samples rolled up into a commit
 * per 5 min heartbeat, 4 halt/resume episodes a day), written by the real telemetry writer on an
 * injected clock and pushed to a bare repo; then the server runs `git gc`.
 */
export async function measureTelemetryWeek({ days = 7 } = {}) {
  const { createTelemetryBranch, addToRollup } = await loadTelemetry();
  const dir = mkdtempSync(join(tmpdir(), 'node-bench-week-'));
  try {
    const { bare, clone } = controlRepo(dir, factoryYaml({ mounts: ['/'] }));
    for (const [k, v] of Object.entries({ 'user.name': 'bench', 'user.email': 'b@example.org' }))
      git(clone, 'config', k, v);
    let now = Date.parse('2025-06-01T00:00:00Z');
    const branch = createTelemetryBranch({
      dir: clone,
      node: 'n1',
      keepSamples: 288,
      maxBranchKiB: 2048,
      pushTimeoutMs: 30_000,
      now: () => now,
    });
    await branch.prepare();
    const end = now + days * 86_400_000;
    const SAMPLE = 5000,
      HEARTBEAT = 300_000,
      EPISODE_EVERY = 6 * 3_600_000,
      EPISODE_LENGTH = 20 * 60_000;
    let rollup,
      lastCommit = now,
      level = 0,
      since = now,
      commits = 0,
      compactions = 0,
      commitMs = 0,
      events = [];
    const roles = () => ({
      dev: { state: level ? 'halt' : 'run', source: level ? 'node' : 'none' },
      review: { state: 'run', source: 'none' },
      supervisor: { state: 'run', source: 'none' },
    });
    for (; now < end; now += SAMPLE) {
      const inEpisode = now % EPISODE_EVERY < EPISODE_LENGTH;
      const mem = inEpisode ? 1500 + Math.random() * 400 : 4000 + Math.random() * 1500;
      const sample = {
        at: now,
        memAvailableMb: Math.round(mem * 10) / 10,
        memTotalMb: 7940,
        swapUsedMb: Math.round(Math.random() * 300),
        disks: [{ mount: '/', usedPercent: 52.3 + Math.random(), freeMb: 38000 }],
        load1: Math.round(Math.random() * 200) / 100,
        cores: 2,
        cpuBusyPercent: Math.round(Math.random() * 900) / 10,
      };
      const next = inEpisode ? 1 : 0;
      rollup = addToRollup(rollup, sample, next);
      const changed = next !== level;
      if (changed) {
        events.push({
          at: new Date(now).toISOString(),
          kind: 'level-changed',
          from: level,
          to: next,
          reason: `level ${next}: MemAvailable ${sample.memAvailableMb} MB`,
        });
        events.push({
          at: new Date(now).toISOString(),
          kind: next ? 'role-halted' : 'role-resumed',
          role: 'dev',
          from: level ? 'node' : 'none',
          to: next ? 'node' : 'none',
          reason: 'memory',
        });
        level = next;
        since = now;
      }
      if (!changed && now - lastCommit < HEARTBEAT) continue;
      const decision = {
        node: 'n1',
        level,
        halted: level ? ['dev'] : [],
        reason: level
          ? `level 1: MemAvailable ${sample.memAvailableMb} MB < 2000 MB`
          : 'no pressure: every signal within limits',
        since: new Date(since).toISOString(),
        updatedAt: new Date(now).toISOString(),
      };
      const t0 = performance.now();
      const result = await branch.commit(
        [{ sample, decision, roles: roles(), events, rollup }],
        `telemetry n1: ${changed ? `level ${level}` : 'heartbeat'}`,
      );
      const pushed = await branch.push();
      commitMs += performance.now() - t0;
      if (!pushed.ok) throw new Error(`push failed: ${pushed.error}`);
      if (result.compacted) compactions++;
      commits++;
      rollup = undefined;
      events = [];
      lastCommit = now;
    }
    const reachable = (repo) => Number(git(repo, 'rev-list', '--objects', '--disk-usage', 'refs/heads/telemetry/n1'));
    const beforeGc = reachable(bare);
    const sizeBefore = countObjects(bare);
    git(bare, 'gc', '--quiet');
    const afterGc = reachable(bare);
    const sizeAfter = countObjects(bare);
    // The simulated week took minutes of real time: objects the node's own prune (1 hour) and the forge's (2 weeks) would have dropped are still there.
    git(bare, 'gc', '--quiet', '--prune=now');
    const sizePruned = countObjects(bare);
    const branchCommits = Number(git(bare, 'rev-list', '--count', 'refs/heads/telemetry/n1'));
    const clientAfter = countObjects(clone);
    git(clone, 'prune', '--expire=now');
    const clientPruned = countObjects(clone);
    return {
      days,
      commits,
      compactions,
      branchCommits,
      msPerCommitAndPush: commitMs / commits,
      serverReachableBeforeGcKiB: beforeGc / 1024,
      serverReachableAfterGcKiB: afterGc / 1024,
      serverRepoBeforeGcKiB: sizeBefore,
      serverRepoAfterGcKiB: sizeAfter,
      serverRepoPrunedKiB: sizePruned,
      clientRepoKiB: clientAfter,
      clientRepoPrunedKiB: clientPruned,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** size + size-pack + size-garbage of `git count-objects -v`, KiB. */
function countObjects(repo) {
  const out = Object.fromEntries(
    git(repo, 'count-objects', '-v')
      .split('\n')
      .map((l) => l.split(': ')),
  );
  return Number(out.size) + Number(out['size-pack']) + Number(out['size-garbage'] ?? 0);
}

export async function runNodeBench({ days = 7, trials = 8 } = {}) {
  const memory = await measureMemory();
  const reaction1s = await measureReaction({ trials, intervalMs: 1000 });
  const reaction5s = await measureReaction({ trials: Math.max(3, Math.round(trials / 2)), intervalMs: 5000 });
  const week = await measureTelemetryWeek({ days });
  return { memory, reactions: [reaction1s, reaction5s], week };
}

export function formatNodeTables({ memory, reactions, week }) {
  const f = (n, d = 1) => Number(n).toFixed(d);
  return [
    '| process | VmRSS MB |',
    '| --- | ---: |',
    `| bare \`node -e "setInterval(()=>{},1000)"\` | ${f(memory.bareMb)} |`,
    `| \`factoryctl node\` after ${memory.cycles} cycles at 1 s (CPU ${f(memory.cpuPercent, 2)}% of one core) | ${f(memory.daemonMb)} |`,
    `| difference (target <= 20) | ${f(memory.extraMb)} |`,
    '',
    '| sample interval | trials | decision.json (gate) median / max ms | halt file median / max ms | crontab median / max ms | all three, max ms | target ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...reactions.map(
      (r) =>
        `| ${r.intervalMs / 1000} s | ${r.trials} | ${f(r.median.decision, 0)} / ${f(r.max.decision, 0)} | ${f(r.median.haltFile, 0)} / ${f(r.max.haltFile, 0)} | ${f(r.median.crontab, 0)} / ${f(r.max.crontab, 0)} | ${f(r.max.all, 0)} | ${r.intervalMs + 100} |`,
    ),
    '',
    `| telemetry, simulated ${week.days} days at the defaults | value |`,
    '| --- | ---: |',
    `| commits (heartbeats + changes) | ${week.commits} |`,
    `| compactions | ${week.compactions} |`,
    `| commits on the branch at the end | ${week.branchCommits} |`,
    `| ms per commit + push (file://) | ${f(week.msPerCommitAndPush)} |`,
    `| server, branch's reachable objects before gc, KiB | ${f(week.serverReachableBeforeGcKiB)} |`,
    `| server, branch's reachable objects after gc, KiB (target <= 5120) | ${f(week.serverReachableAfterGcKiB)} |`,
    `| server, whole repo before / after plain gc (unreachable kept 2 weeks, as loose objects), KiB | ${f(week.serverRepoBeforeGcKiB)} / ${f(week.serverRepoAfterGcKiB)} |`,
    `| server, whole repo after \`gc --prune=now\` (what remains once unreachable objects expire), KiB | ${f(week.serverRepoPrunedKiB)} |`,
    `| the node's clone, objects KiB: as left / after its prune has seen them age | ${f(week.clientRepoKiB)} / ${f(week.clientRepoPrunedKiB)} |`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const result = await runNodeBench({ days: arg('--days', 7), trials: arg('--trials', 8) });
  console.log(formatNodeTables(result));
}
