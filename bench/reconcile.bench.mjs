// API calls and wall time of a reconcile that finds nothing to do, against the number of
// repositories, on the Forgejo emulator with injected latency. Target: at most 3 read calls per
// repository, and wall time near the floor set by the concurrency: ceil(repos / concurrency)
// round trips (a repository's two list calls go out together).
// Standalone: `node bench/reconcile.bench.mjs [latencyMs] [concurrency]` prints a markdown table.
import { importTs } from './import-ts.mjs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const LATENCY_MS = Number(process.argv[2] ?? 50);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const SIZES = [10, 25, 50, 100, 200];

async function load() {
  const contents = `
    export { run } from './src/commands/reconcile.ts';
    export { startEmulator } from './test/support/emulator/index.ts';
    export { makeReposFixture, recordingContext } from './test/support/reconcile-fixture.ts';`;
  return importTs(contents, 'reconcile');
}

export async function runReconcileBench({ sizes = SIZES, latencyMs = LATENCY_MS, concurrency = CONCURRENCY } = {}) {
  const { run, startEmulator, makeReposFixture, recordingContext } = await load();
  const rows = [];
  for (const n of sizes) {
    const emu = await startEmulator();
    const fx = makeReposFixture(emu.forgejoUrl, n, {}, join(root, 'repos/presets/factory-labels.yaml'));
    try {
      for (const slug of fx.slugs) emu.forgejo.createRepo(slug);
      const env = { FORGE_TOKEN: emu.forgejoToken };
      const args = ['--concurrency', String(concurrency)];
      if ((await run([...args, '--apply'], recordingContext(fx.dir, env))) !== 0) throw new Error('setup apply failed');
      emu.faults.add({ api: 'forgejo', latencyMs });
      const before = { reads: emu.count({ writes: false }), writes: emu.count({ writes: true }) };
      const t0 = performance.now();
      const code = await run(args, recordingContext(fx.dir, env));
      const wallMs = performance.now() - t0;
      if (code !== 0) throw new Error(`no-op reconcile exited ${code}`);
      const reads = emu.count({ writes: false }) - before.reads;
      const writes = emu.count({ writes: true }) - before.writes;
      const floorMs = Math.ceil(n / concurrency) * latencyMs;
      rows.push({ repos: n, reads, readsPerRepo: reads / n, writes, wallMs, floorMs, ratio: wallMs / floorMs });
    } finally {
      await emu.close();
      fx.cleanup();
    }
  }
  return rows;
}

export function formatRows(rows, { latencyMs = LATENCY_MS, concurrency = CONCURRENCY } = {}) {
  const head =
    `no-op reconcile, ${latencyMs} ms per request, concurrency ${concurrency} (floor = ceil(repos/concurrency) x latency)\n\n` +
    '| repos | read calls | reads/repo (target <= 3) | writes | wall ms | floor ms | wall / floor |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
  return (
    head +
    rows
      .map(
        (r) =>
          `| ${r.repos} | ${r.reads} | ${r.readsPerRepo.toFixed(2)} | ${r.writes} | ${r.wallMs.toFixed(0)} | ${r.floorMs} | ${r.ratio.toFixed(2)} |`,
      )
      .join('\n')
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await runReconcileBench();
  process.stdout.write(`${formatRows(rows)}\n`);
}
