// CPU cost of one machine sample, against the target: under 0.2% of one core at the
// default 5 s interval. Child processes' CPU counts too (systeminformation spawns df and ps),
// read from /proc/self/stat once they have been waited for.
// Standalone: `node bench/sampler.bench.mjs [samples]` prints a markdown table.
// From bench/run.mjs: `const { runSamplerBench, formatRows } = await import('./sampler.bench.mjs')`.
import { build } from 'esbuild';
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INTERVAL_MS = 5000;
const TARGET_PERCENT = 0.2;
const root = fileURLToPath(new URL('..', import.meta.url));

async function loadSampler() {
  const result = await build({
    entryPoints: [join(root, 'src/adapters/node/sampler.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU milliseconds of this process plus its waited-for children. */
function cpuMs() {
  const self = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const childTicks = Number(fields[13]) + Number(fields[14]); // cutime, cstime (fields 16, 17 of stat)
  return (self.user + self.system) / 1000 + (childTicks * 1000) / clockTicks;
}

async function measure(name, samples, takeOne) {
  for (let i = 0; i < 3; i += 1) await takeOne(); // warm up (si.currentLoad's first call samples for 500 ms)
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  for (let i = 0; i < samples; i += 1) await takeOne();
  const cpuMsPerSample = (cpuMs() - cpu0) / samples;
  const wallMsPerSample = (performance.now() - wall0) / samples;
  return { name, samples, cpuMsPerSample, wallMsPerSample, percentOfCoreAt5s: (cpuMsPerSample / INTERVAL_MS) * 100 };
}

/** An agent run to find: a script and the sleep it waits for. */
function startFakeAgent() {
  const dir = mkdtempSync(join(tmpdir(), 'sampler-bench-'));
  const script = join(dir, 'bench-dev-poll.sh');
  writeFileSync(script, '#!/bin/sh\nsleep 600 &\nwait\n');
  chmodSync(script, 0o755);
  const child = spawn(script, [], { detached: true, stdio: 'ignore' });
  return {
    script,
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function runSamplerBench({ samples = 1000 } = {}) {
  const { createProcSampler } = await loadSampler();
  const agent = startFakeAgent();
  try {
    const plain = createProcSampler({ mounts: ['/'] });
    const withAgents = createProcSampler({
      mounts: ['/'],
      roleCommands: { dev: agent.script, review: './review-poll.sh' },
    });
    const si = (await import('systeminformation')).default;
    const siSample = () => Promise.all([si.mem(), si.fsSize(), si.currentLoad()]);
    const procCount = readFileSync('/proc/loadavg', 'utf8').split(' ')[3].split('/')[1];
    return [
      await measure('/proc + statfs (mem, swap, load, cpu, disk /)', samples, () => plain.sample()),
      await measure(`the same + agents of 2 roles (scan of ${procCount} tasks)`, samples, () => withAgents.sample()),
      await measure(
        'systeminformation: mem() + fsSize() + currentLoad()',
        Math.max(20, Math.round(samples / 20)),
        siSample,
      ),
      await measure(
        'the same + processes() (its way to agents per role)',
        Math.max(10, Math.round(samples / 100)),
        () => Promise.all([siSample(), si.processes()]),
      ),
    ];
  } finally {
    agent.stop();
  }
}

export function formatRows(rows) {
  const f = (n, d) => n.toFixed(d);
  return [
    `| sampler | samples | CPU ms / sample | wall ms / sample | % of one core at ${INTERVAL_MS / 1000} s (target < ${TARGET_PERCENT}) |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.samples} | ${f(r.cpuMsPerSample, 3)} | ${f(r.wallMsPerSample, 3)} | ${f(r.percentOfCoreAt5s, 4)} |`,
    ),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const samples = Number(process.argv[2] ?? 1000);
  console.log(formatRows(await runSamplerBench({ samples })));
  process.exit(0); // systeminformation may leave timers behind
}
