// The gate's read of a changed assignments.yaml at 200 nodes and 1,000 slots (~6 MB): the line
// scan (assignments-scan.ts) against the full YAML + zod parse it replaces, in process; then the
// whole `factoryctl gate dev --no-pull` process on a control repo holding that file, once just
// after the file changed (a cache miss: the scan runs) and once more (a hit on the file's stat), beside the same
// gate without an assignments.yaml. Numbers only, no target asserted: see MEASUREMENTS.md.
// Standalone: `node bench/assignments-scan.bench.mjs [runs]` (the process part needs `npm run build`).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { importTs } from './import-ts.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.argv[2] ?? 11);
const NODES = 200;
const SLOTS = 1000;

const { renderAssignmentsYaml, scanAssignedSlots, parseViewPart } = await importTs(
  `export { renderAssignmentsYaml } from './src/domain/placement/assignments-file.ts';
   export { scanAssignedSlots } from './src/domain/placement/assignments-scan.ts';
   export { parseViewPart } from './src/adapters/control-repo/view-parse.ts';`,
  'assignments-scan',
);

function doc() {
  const nodes = Array.from({ length: NODES }, (_, i) => `node-${String(i).padStart(3, '0')}`);
  const slots = {};
  for (let s = 0; s < SLOTS; s += 1) {
    const candidates = {};
    nodes.forEach((n, i) => {
      candidates[n] =
        (s + i) % 7 === 0
          ? { excluded: 'dev halted here: level 1: MemAvailable 150 MB < 200 MB' }
          : { score: (s * 31 + i * 17) % 9000 };
    });
    slots[`dev@org${s % 37}/repo-${s}`] = {
      node: nodes[s % NODES],
      ...(s % 50 === 0 ? { handoff: { from: nodes[(s + 1) % NODES], since: '2026-12-02T08:00:00.000Z' } } : {}),
      reason: `most headroom after placement (${s} MiB above the level-1 line, peak 900 MiB)`,
      candidates,
    };
  }
  return { decidedAt: '2026-12-02T08:00:00.000Z', epoch: 4, slots, peaks: { 'dev@org0/repo-0': 900 } };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f) => {
  const t = process.hrtime.bigint();
  const v = f();
  return [Number(process.hrtime.bigint() - t) / 1e6, v];
};

const text = renderAssignmentsYaml(doc());
const scans = [];
for (let i = 0; i < RUNS; i += 1) scans.push(time(() => scanAssignedSlots(text))[0]);
const [parseMs, parsed] = time(() => parseViewPart('assignments', text));
const scanned = scanAssignedSlots(text);
if (!scanned || !isDeepStrictEqual(scanned, parsed.value)) throw new Error('scan and parse disagree');
console.log(
  `assignments.yaml: ${NODES} nodes, ${SLOTS} slots, ${(text.length / 1e6).toFixed(1)} MB; load ${loadavg()[0].toFixed(2)}`,
);
console.log(
  `| read | ms |\n|---|---:|\n| line scan (median of ${RUNS}) | ${median(scans).toFixed(1)} |\n| full YAML + zod parse (once) | ${parseMs.toFixed(0)} |`,
);

// The whole gate process, on the template control repo.
const tmp = mkdtempSync(join(tmpdir(), 'gate-assignments-'));
try {
  const dir = join(tmp, 'control');
  cpSync(join(root, 'factory.yaml'), join(dir, 'factory.yaml'));
  cpSync(join(root, 'factory-state'), join(dir, 'factory-state'), { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  const env = {
    ...process.env,
    FACTORY_NODE: 'node-001',
    FACTORY_RUN_DIR: join(tmp, 'run'),
    FACTORY_STATE_DIR: join(tmp, 'state'),
  };
  const gate = () => {
    const t = process.hrtime.bigint();
    const r = spawnSync(
      process.execPath,
      [join(root, 'bin', 'factoryctl.js'), 'gate', 'dev', '--repo', 'org1/repo-1', '--no-pull'],
      { cwd: dir, env, encoding: 'utf8' },
    );
    if (r.status !== 0 && r.status !== 75) throw new Error(`gate exit ${r.status}: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  gate(); // warm the cache of the other files
  const none = Array.from({ length: RUNS }, gate);
  const miss = [];
  const hit = [];
  for (let i = 0; i < RUNS; i += 1) {
    const file = join(dir, 'factory-state/assignments.yaml');
    writeFileSync(file, text.replace('epoch: 4', `epoch: ${5 + i}`));
    // As a merge a few seconds before the poll leaves it: older than the gate's racy-stamp window.
    const before = new Date(Date.now() - 5000);
    utimesSync(file, before, before);
    miss.push(gate());
    hit.push(gate());
  }
  console.log(
    `\n| gate dev --no-pull (median of ${RUNS}) | ms |\n|---|---:|\n| no assignments.yaml | ${median(none).toFixed(0)} |\n| assignments.yaml just changed | ${median(miss).toFixed(0)} |\n| assignments.yaml unchanged | ${median(hit).toFixed(0)} |`,
  );
  console.log(
    `load after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
