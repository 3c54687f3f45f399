// CPU cost of one machine sample, against the target: under 0.2% of one core at the
// default 5 s interval. Child processes' CPU counts too (systeminformation spawns df and ps),
// read from /proc/self/stat once they have been waited for.
// Standalone: `node bench/sampler.bench.mjs [samples]` prints a markdown table.
// From bench/run.mjs: `const { runSamplerBench, formatRows } = await import('./sampler.bench.mjs')`.
import { build } from 'esbuild';
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INTERVAL_MS = 5000;
const TARGET_PERCENT = 0.2;
const root = fileURLToPath(new URL('..', import.meta.url));

async function loadSampler() {
  const result = await build({
    stdin: {
      contents:
        "export * from './src/adapters/node/sampler.ts'; export { parseCgroupMounts } from './src/adapters/node/cgroup-parse.ts'; export * from './src/adapters/node/cgroup-memory.ts';",
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

/**
 * Moves this process into a fresh memory cgroup with a 1 GiB limit for the duration of `body`, so
 * the sampler reads limit, usage and memory.stat as a daemon in a container does; undefined when
 * no memory hierarchy is writable here (not root), and the row says so.
 */
async function insideMemoryCgroup(parseCgroupMounts, body) {
  const mount = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8')).find((m) => m.version === 'cgroup-v1');
  if (!mount) return undefined; // a v2-only host: the v2 reads are the same count of files
  const home = readFileSync('/proc/self/cgroup', 'utf8').match(/^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(.*)$/m)?.[1];
  const dir = join(mount.mountPoint, `factoryctl-bench-${process.pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(1024 ** 3));
    writeFileSync(join(dir, 'cgroup.procs'), String(process.pid));
  } catch {
    return undefined;
  }
  try {
    return await body();
  } finally {
    writeFileSync(join(home ? join(mount.mountPoint, home) : mount.mountPoint, 'cgroup.procs'), String(process.pid));
    rmdirSync(dir);
  }
}

export async function runSamplerBench({ samples = 1000 } = {}) {
  const { createProcSampler, parseCgroupMounts, findMemoryCgroup, readMemoryCgroup } = await loadSampler();
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
      await measure('/proc + statfs (mem incl. memory cgroup, swap, load, cpu, disk /)', samples, () => plain.sample()),
      ...((await insideMemoryCgroup(parseCgroupMounts, async () => {
        const limited = createProcSampler({ mounts: ['/'] });
        const probe = await limited.sample();
        if (probe.memLimit?.source === 'meminfo') throw new Error('the sampler did not see the 1 GiB cgroup limit');
        const cgroup = findMemoryCgroup('/proc');
        return [
          await measure('the same, inside a 1 GiB memory cgroup (v1)', samples, () => limited.sample()),
          await measure(
            `of which the cgroup reads (${cgroup.dirs.length} levels: limits; usage + memory.stat where limited)`,
            samples,
            async () => readMemoryCgroup(cgroup, []),
          ),
        ];
      })) ?? [
        {
          name: 'inside a memory cgroup: not measured (no writable memory cgroup)',
          samples: 0,
          cpuMsPerSample: NaN,
          wallMsPerSample: NaN,
          percentOfCoreAt5s: NaN,
        },
      ]),
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
