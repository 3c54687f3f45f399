// Whole-process cost of `factoryctl gate` against its physical limit: a process must start
// (`node -e 0`) and the control repo must be synced (a bare `git pull --ff-only` of the same repo
// over the same transport). Targets: gate / (node + pull) <= 1.2; `--no-pull` gate - `node -e 0`
// <= 30 ms. Transports: file://, HTTP (git http-backend on loopback, in its own process) and SSH
// with connection reuse (a real sshd on loopback, started here with its own keys and port).
// Medians over repeated runs with hyperfine -N (or a spawn loop if hyperfine is missing),
// in rounds that interleave the commands so drift on a noisy machine hits all of them alike.
// Standalone: `node bench/gate.bench.mjs [runsPerRound] [rounds]` (needs `npm run build` first).
import { build } from 'esbuild';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Many short rounds: the commands alternate every few runs, so a neighbour's load hits all alike.
const RUNS = Number(process.argv[2] ?? 3);
const ROUNDS = Number(process.argv[3] ?? 20);
const WARMUP = 1;
const TARGET_RATIO = 1.2;
const TARGET_NO_PULL_MS = 30;
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'b@example.org',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'b@example.org',
};

const git = (cwd, args, env = {}) =>
  execFileSync('git', args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });

/** The shipped template plus 50 files and 1,000 commits, as in shared/MEASUREMENTS.md. */
export function makeBareRepo(tmp) {
  const seed = join(tmp, 'seed');
  mkdirSync(seed);
  cpSync(join(root, 'factory.yaml'), join(seed, 'factory.yaml'));
  cpSync(join(root, 'factory-state'), join(seed, 'factory-state'), { recursive: true });
  git(seed, ['init', '-q', '-b', 'main']);
  git(seed, ['add', '-A']);
  git(seed, ['commit', '-qm', 'seed'], IDENTITY);
  const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  let stream = '';
  for (let i = 1; i < 1000; i += 1) {
    stream += `commit refs/heads/main\ncommitter Bench <b@example.org> ${1_700_000_000 + i} +0000\n${data(`history ${i}`)}`;
    if (i === 1) stream += 'from refs/heads/main^0\n';
    stream += `M 100644 inline notes/n${i % 50}.txt\n${data(`note ${i}\n`)}`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: seed, input: stream });
  git(seed, ['reset', '-q', '--hard', 'main']);
  const srv = join(tmp, 'srv');
  mkdirSync(srv);
  git(tmp, ['clone', '-q', '--bare', seed, join(srv, 'control.git')]);
  return { srv, bare: join(srv, 'control.git') };
}

/** The test helpers, bundled: sshd in this process, the HTTP git server as a separate one. */
export async function bundleSupport(tmp) {
  const opts = { bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' };
  await build({
    ...opts,
    stdin: { contents: "export { startSshd } from './test/support/sshd.ts';", resolveDir: root, loader: 'ts' },
    outfile: join(tmp, 'sshd.mjs'),
  });
  const server = `import { startGitServer } from './test/support/git-server.ts';
    const server = await startGitServer(process.argv[2]);
    process.stdout.write(server.url + '\\n');
    const stop = () => server.close().then(() => process.exit(0));
    process.on('SIGTERM', stop).on('SIGINT', stop);
    process.stdin.on('end', stop).resume(); // the bench died: stop by itself`;
  await build({
    ...opts,
    stdin: { contents: server, resolveDir: root, loader: 'ts' },
    outfile: join(tmp, 'http-server.mjs'),
  });
  return {
    startSshd: (await import(pathToFileURL(join(tmp, 'sshd.mjs')).href)).startSshd,
    httpServer: join(tmp, 'http-server.mjs'),
  };
}

export function startHttpServer(script, srv) {
  const child = spawn(process.execPath, [script, srv], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`http server exited ${code}`)));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (out.includes('\n'))
        resolve({
          url: out.trim(),
          stop: () =>
            new Promise((r) =>
              child.exitCode !== null || child.signalCode !== null
                ? r()
                : (child.once('exit', r), child.kill('SIGTERM')),
            ),
        });
    });
  });
}

/** A frozen copy of the build, so another engineer's `npm run build` cannot swap dist/ mid-run. */
function snapshotApp(tmp) {
  if (!existsSync(join(root, 'dist', 'cli.js')))
    throw new Error('dist/ is missing: run `npm run build` (or `npm run bench`)');
  const app = join(tmp, 'app');
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(root, part), join(app, part), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(app, 'node_modules'));
  return join(app, 'bin', 'factoryctl.cjs');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function hasHyperfine() {
  return spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Runs a command without blocking the event loop, so a signal can stop the bench between and during runs. */
function run(cmd, args, env, children) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      children.delete(child);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Milliseconds of every run of every command, keyed by name, over ROUNDS interleaved rounds. */
async function measure(commands, env, tmp, children) {
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  const useHyperfine = hasHyperfine();
  for (let round = 0; round < ROUNDS; round += 1) {
    if (useHyperfine) {
      const json = join(tmp, 'hyperfine.json');
      const args = ['-N', '--warmup', String(WARMUP), '--runs', String(RUNS), '--export-json', json, '--style', 'none'];
      for (const [name, cmd] of Object.entries(commands)) args.push('-n', name, cmd.join(' '));
      const result = await run('hyperfine', args, env, children); // its outlier warnings would clutter the table
      if (result.status !== 0) throw new Error(`hyperfine failed: ${result.stderr}`);
      for (const r of JSON.parse(readFileSync(json, 'utf8')).results)
        times[r.command].push(...r.times.map((t) => t * 1000));
    } else {
      for (let i = 0; i < WARMUP + RUNS; i += 1) {
        for (const [name, [cmd, ...args]] of Object.entries(commands)) {
          const t0 = performance.now();
          const r = await run(cmd, args, env, children);
          if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
          if (i >= WARMUP) times[name].push(performance.now() - t0);
        }
      }
    }
  }
  return {
    medians: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])),
    runs: RUNS * ROUNDS,
    tool: useHyperfine ? 'hyperfine -N' : 'spawn loop',
  };
}

/** Clones for the gate and for the bare pull, a first gate to fill its cache, then the timings. */
export async function benchTransport(name, slug, url, env, bin, tmp, children) {
  const agent = join(tmp, `agent-${slug}`); // hyperfine splits its commands on spaces
  const plain = join(tmp, `plain-${slug}`);
  for (const dir of [agent, plain]) git(tmp, ['clone', '-q', url, dir], env);
  const first = await run(process.execPath, [bin, 'gate', 'dev', '--json', '--dir', agent], env, children);
  const answer = first.status === 0 ? JSON.parse(first.stdout) : undefined;
  if (answer?.sync?.pull !== 'ok')
    throw new Error(`gate over ${name} did not pull cleanly (exit ${first.status}): ${first.stderr}`);
  const { medians, runs, tool } = await measure(
    {
      node: [process.execPath, '-e', '0'],
      pull: ['git', '-C', plain, 'pull', '--ff-only'],
      gate: [process.execPath, bin, 'gate', 'dev', '--dir', agent],
      noPull: [process.execPath, bin, 'gate', 'dev', '--no-pull', '--dir', agent],
    },
    env,
    tmp,
    children,
  );
  return { transport: name, ...medians, runs, tool };
}

export async function runGateBench() {
  const tmp = mkdtempSync(join(tmpdir(), 'gate-bench-'));
  const children = new Set();
  const cleanups = [
    () => rmSync(tmp, { recursive: true, force: true }),
    () => children.forEach((c) => c.kill('SIGKILL')),
  ];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  const onSignal = () => cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const bin = snapshotApp(tmp);
    const { srv, bare } = makeBareRepo(tmp);
    const { startSshd, httpServer } = await bundleSupport(tmp);
    const http = await startHttpServer(httpServer, srv);
    cleanups.push(http.stop);
    const sshd = await startSshd({ reuse: true });
    cleanups.push(() => sshd.stop());
    const env = { ...process.env, FACTORY_NODE: 'bench', GIT_TERMINAL_PROMPT: '0' };
    const loadBefore = loadavg()[0];
    const rows = [
      await benchTransport('file://', 'file', pathToFileURL(bare).href, env, bin, tmp, children),
      await benchTransport('HTTP', 'http', `${http.url}control.git`, env, bin, tmp, children),
      await benchTransport(
        'SSH, reused',
        'ssh',
        sshd.url(bare),
        { ...env, GIT_SSH_COMMAND: sshd.sshCommand },
        bin,
        tmp,
        children,
      ),
    ];
    return rows.map((r) => ({ ...r, load: [loadBefore, loadavg()[0]] }));
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await cleanup();
  }
}

export function formatRows(rows) {
  const f = (n) => n.toFixed(1);
  const met = (ok) => (ok ? 'met' : '**missed**');
  const { runs, tool, load } = rows[0];
  return [
    `medians of ${runs} whole-process runs each (${tool}, ${ROUNDS} interleaved rounds, ${WARMUP} warmup run per round), ms;`,
    `1-minute load average ${load[0].toFixed(2)} before, ${load[1].toFixed(2)} after, on ${cpus().length} cores: above the core count, the figures are noise`,
    '',
    `| transport | node -e 0 | bare pull --ff-only | node + pull | gate | gate / (node + pull) | target <= ${TARGET_RATIO} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((r) => {
      const ratio = r.gate / (r.node + r.pull);
      return `| ${r.transport} | ${f(r.node)} | ${f(r.pull)} | ${f(r.node + r.pull)} | ${f(r.gate)} | ${ratio.toFixed(2)} | ${met(ratio <= TARGET_RATIO)} |`;
    }),
    '',
    `| clone of | node -e 0 | gate --no-pull | gate --no-pull - node -e 0 | target <= ${TARGET_NO_PULL_MS} ms |`,
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.transport} | ${f(r.node)} | ${f(r.noPull)} | ${f(r.noPull - r.node)} | ${met(r.noPull - r.node <= TARGET_NO_PULL_MS)} |`,
    ),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(formatRows(await runGateBench()));
}
