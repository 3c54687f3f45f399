// Time to place every agent slot on a node: the supervisor runs this once a cycle, on its hot path
// between reading the telemetry and committing assignments.yaml. Target: <= 50 ms median for
// 200 nodes and 1,000 slots; 5 and 50 nodes shown beside it. The inputs are generated from a fixed
// seed (labels, caps, halts, suspect and down nodes, a previous placement to stick to), so every
// run measures the same work. Rendering and parsing the file are shown too: the supervisor writes it
// after every change, every node reads it.
// Standalone: `node bench/placement.bench.mjs [runs]` prints a markdown table.
import { fileURLToPath } from 'node:url';
import { importTs } from './import-ts.mjs';

const TARGET_MS = 50;
const SLOTS = 1000;
const SIZES = [5, 50, 200];
const RUNS = Number(process.argv[2] ?? 31);
const ROLES = ['dev', 'review', 'docs', 'triage'];

async function load() {
  return importTs(
    `export { place } from './src/domain/placement/place.ts';
     export { parseAssignmentsYaml, renderAssignmentsYaml } from './src/domain/placement/assignments-file.ts';
     export { DEFAULT_PLACEMENT_POLICY } from './src/domain/placement/types.ts';`,
    'placement',
  );
}

/** mulberry32: a small seeded generator, so the inputs are the same on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function scenario(nodeCount, slotCount, seed = 42) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const nodes = Array.from({ length: nodeCount }, (_, i) => {
    const total = pick([4096, 8192, 16384, 32768, 65536]);
    return {
      name: `node-${String(i).padStart(3, '0')}`,
      roles: ROLES.filter(() => r() < 0.85),
      labels: { disk: pick(['ssd', 'hdd']), size: total >= 16384 ? 'large' : 'small', zone: pick(['a', 'b', 'c']) },
      caps: r() < 0.3 ? { dev: 1 + Math.floor(r() * 8) } : {},
      liveness: r() < 0.9 ? 'ready' : pick(['suspect', 'down']),
      haltedRoles: r() < 0.1 ? { dev: 'level 1: MemAvailable low' } : {},
      memTotalMb: total,
      memAvailableMb: Math.floor(total * (0.3 + 0.6 * r())),
      agentsUsedMb: Math.floor(r() * 512),
      level1FreeMb: Math.min(2000, Math.floor(total / 8)),
    };
  });
  const slots = Array.from({ length: slotCount }, (_, i) => {
    const role = pick(ROLES);
    const selector = r() < 0.2 ? { disk: 'ssd' } : r() < 0.1 ? { size: 'large' } : {};
    return { id: `${role}@org${i % 37}/repo-${i}`, role, nodeSelector: selector, peakMb: 64 + Math.floor(r() * 1500) };
  });
  return { nodes, slots };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

export async function runPlacementBench({ sizes = SIZES, slots = SLOTS, runs = RUNS } = {}) {
  const { place, parseAssignmentsYaml, renderAssignmentsYaml, DEFAULT_PLACEMENT_POLICY } = await load();
  const rows = [];
  for (const n of sizes) {
    const { nodes, slots: slotList } = scenario(n, slots);
    const base = {
      nodes,
      slots: slotList,
      haltedRoles: { triage: 'halted factory-wide by a human' },
      policy: DEFAULT_PLACEMENT_POLICY,
      decidedAt: '2026-12-02T08:00:00Z',
      epoch: 7,
    };
    // A steady cycle: the previous placement is in force, so stickiness and moves are exercised.
    const first = place({ ...base, previous: { slots: {} } });
    const input = { ...base, previous: first.assignments };
    for (let i = 0; i < 3; i += 1) place(input); // warm up the JIT
    const times = [];
    let result;
    for (let i = 0; i < runs; i += 1) {
      const t0 = performance.now();
      result = place(input);
      times.push(performance.now() - t0);
    }
    const t0 = performance.now();
    const text = renderAssignmentsYaml(result.assignments, result.candidates);
    const renderMs = performance.now() - t0;
    const t1 = performance.now();
    if (!parseAssignmentsYaml(text).ok) throw new Error('the rendered assignments.yaml does not parse');
    const parseMs = performance.now() - t1;
    const placed = Object.values(result.assignments.slots).filter((s) => !s.halted).length;
    rows.push({
      nodes: n,
      slots,
      placed,
      medianMs: median(times),
      p90Ms: p90(times),
      renderMs,
      parseMs,
      kib: text.length / 1024,
    });
  }
  return rows;
}

export function formatRows(rows, { runs = RUNS } = {}) {
  const head =
    `place() over generated nodes and ${SLOTS} slots, median of ${runs} runs after 3 warm-up runs (target <= ${TARGET_MS} ms at 200 nodes)\n\n` +
    '| nodes | slots | placed | median ms | p90 ms | median / target | render ms | parse ms | assignments.yaml KiB |\n' +
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
  return (
    head +
    rows
      .map(
        (r) =>
          `| ${r.nodes} | ${r.slots} | ${r.placed} | ${r.medianMs.toFixed(1)} | ${r.p90Ms.toFixed(1)} | ${(r.medianMs / TARGET_MS).toFixed(2)} | ${r.renderMs.toFixed(0)} | ${r.parseMs.toFixed(0)} | ${r.kib.toFixed(0)} |`,
      )
      .join('\n')
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await runPlacementBench();
  process.stdout.write(`${formatRows(rows)}\n`);
  const big = rows.find((r) => r.nodes === 200);
  if (big && big.medianMs > TARGET_MS) process.exitCode = 1;
}
