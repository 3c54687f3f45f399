// The alert engine's cost in a supervisor cycle, against a real git server and the contract-checked emulator:
//  1. a whole cycle (runCycle: pull, lease, telemetry, forge, plan, commit) with 0 and with 100 firing
//     alerts in steady state (all sent, nothing new: the cycle commits nothing), median wall and CPU ms;
//  2. the pure part alone: planAlerts over 100 firing alerts, and alerts.yaml's parse and render;
//  3. condition to notification, on the wall clock: the supervisor loop running (a short tuned interval),
//     a node pushes a level-3 decision to its telemetry branch (node-level-3 fires at once) and a real
//     webhook receiver on loopback records the POST; against group_wait + one supervisor cycle; once
//     without and once with the git server sending Forgejo's push webhook to the supervisor.
// 100 firing alerts come from 100 node-scoped halts in halts.yaml (role-halted, past its 30m `for`):
// 100 groups, each sent once to a command receiver before the measured cycles.
// Standalone: `node bench/alerts.bench.mjs` prints markdown tables.
import { importTs } from './import-ts.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './bench-kit.mjs';

const T0 = Date.parse('2026-03-02T00:00:00Z');
const MIN = 60_000;
const FIRING = 100;
const CYCLES = 7;

async function load() {
  return importTs(
    `
    export { runCycle, newMemory } from './src/runtime/supervisor/cycle.ts';
    export { planAlerts } from './src/domain/alerts/plan-alerts.ts';
    export { parseAlertsYaml, renderAlertsYaml, EMPTY_ALERTS } from './src/domain/alerts/alerts-file.ts';
    export { FactoryConfig } from './src/domain/config/factory-schema.ts';
    export { startEmulator } from './test/support/emulator/index.ts';
    export { makeControlRepo, sh } from './test/support/control-repo.ts';
    export { startGitServer } from './test/support/git-server.ts';
    export { factoryYaml } from './test/support/supervise-fixture.ts';
    export { superviseLoop } from './src/runtime/supervisor/loop.ts';
    export { beat } from './test/support/alert-nodes.ts';
    export { startHttpRecorder } from './test/support/http-recorder.ts';`,
    'alerts',
  );
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function haltsYaml(n) {
  const since = new Date(T0 - 60 * MIN).toISOString();
  const lines = ['halts:'];
  for (let i = 0; i < n; i++)
    lines.push(`  - { role: dev, node: n${String(i).padStart(3, '0')}, reason: bench, by: bench, since: "${since}" }`);
  return `${lines.join('\n')}\n`;
}

async function cycleCost(m, firing) {
  const tmp = mkdtempSync(join(tmpdir(), 'alerts-bench-'));
  const clock = {};
  const emu = await m.startEmulator({ now: () => clock.at ?? Date.now() });
  emu.forgejo.createRepo('org/app');
  const id = emu.woodpecker.createRepo('org/app').id;
  const sent = join(tmp, 'sent.jsonl');
  const yaml =
    m.factoryYaml(emu, ['requestTimeout: 5s']).replace('pullTimeout: 2s', 'pullTimeout: 15s') +
    `\nalerts:\n  receivers:\n    pager: { type: command, command: /bin/sh, args: ["-c", "cat >> ${sent}; echo >> ${sent}"] }\n`;
  const repo = m.makeControlRepo({
    factoryYaml: yaml,
    files: {
      'repos/org/app.yaml': `forge: emu\nci: { server: wp, repoId: ${id} }\n`,
      'factory-state/halts.yaml': haltsYaml(firing),
    },
  });
  const git = await m.startGitServer(repo.srv);
  const dir = await repo.clone('supervisor', `${git.url}control.git`);
  const now = () => clock.at ?? Date.now();
  const env = { ...process.env, FORGE_TOKEN: emu.forgejoToken, WP_TOKEN: emu.woodpeckerToken };
  const deps = { dir, env, node: 'bench', now, log: () => {}, http: { timing: { now } } };
  const memory = m.newMemory();
  try {
    // Warm up: the alerts fire, wait group_wait, are sent and the outbox drains.
    for (const at of [T0, T0 + MIN, T0 + 2 * MIN]) {
      clock.at = at;
      const out = await m.runCycle(deps, memory);
      if (out.kind !== 'ok') throw new Error(`warm-up cycle: ${out.kind} ${out.error ?? ''}`);
    }
    // 100 receivers' processes append at once: count notifications, not lines.
    const delivered = firing === 0 ? 0 : readFileSync(sent, 'utf8').split('"groupKey"').length - 1;
    const walls = [];
    const cpus = [];
    let commits = 0;
    for (let i = 0; i < CYCLES; i++) {
      clock.at = T0 + (3 + i) * MIN;
      const [w0, c0] = [performance.now(), cpu()];
      const out = await m.runCycle(deps, memory);
      walls.push(performance.now() - w0);
      cpus.push(cpu() - c0);
      if (out.kind !== 'ok') throw new Error(`cycle: ${out.kind}`);
      if (out.commit.changed) commits++;
    }
    const file = m.parseAlertsYaml(m.sh(repo.bare, 'git', ['show', 'main:factory-state/alerts.yaml'])).value;
    const live = file?.alerts.filter((a) => a.status === 'firing').length ?? 0;
    return {
      firing: live,
      delivered,
      waiting: file?.outbox.length ?? 0,
      error: file?.outbox[0]?.lastError,
      wallMs: median(walls),
      cpuMs: median(cpus),
      commits,
    };
  } finally {
    await git.close();
    await emu.close();
    repo.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function pureCost(m) {
  const config = m.FactoryConfig.parse({
    version: 1,
    name: 'bench',
    roles: { dev: { haltLevel: 1 }, supervisor: { protected: true } },
    nodes: { default: { roles: ['dev'] } },
    alerts: { receivers: { pager: { type: 'command', command: 'true' } } },
  });
  const since = new Date(T0 - 60 * MIN).toISOString();
  const halts = Array.from({ length: FIRING }, (_, i) => ({
    role: 'dev',
    node: `n${i}`,
    reason: 'bench',
    by: 'bench',
    since,
  }));
  const input = (previous, now) => ({
    config,
    previous,
    nodes: [],
    telemetry: [],
    halts,
    repos: [{ slug: 'o/r' }],
    selfNode: 'b',
    now,
  });
  let file = m.planAlerts(input(m.EMPTY_ALERTS, T0)).file;
  file = m.planAlerts(input(file, T0 + MIN)).file;
  const times = { plan: [], render: [], parse: [] };
  let text = '';
  for (let i = 0; i < 50; i++) {
    let t = performance.now();
    const d = m.planAlerts(input({ ...file, outbox: [] }, T0 + (2 + i) * MIN));
    times.plan.push(performance.now() - t);
    t = performance.now();
    text = m.renderAlertsYaml(d.file);
    times.render.push(performance.now() - t);
    t = performance.now();
    m.parseAlertsYaml(text);
    times.parse.push(performance.now() - t);
  }
  return {
    plan: median(times.plan),
    render: median(times.render),
    parse: median(times.parse),
    kib: text.length / 1024,
  };
}

/** The supervisor's tuned interval (min = max) and group_wait of the latency bench. */
const LATENCY = { intervalS: 3, groupWaitS: 1, trials: 5 };

/** Polls `probe` every 5 ms until it returns something, within `ms`. */
async function until(probe, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function notifyLatency(m, { pushWebhook }) {
  const hook = await m.startHttpRecorder();
  const emu = await m.startEmulator({ now: () => Date.now() });
  emu.forgejo.createRepo('org/app');
  const id = emu.woodpecker.createRepo('org/app').id;
  const { intervalS, groupWaitS, trials } = LATENCY;
  const yaml =
    m
      .factoryYaml(emu, ['requestTimeout: 5s', `interval: { min: ${intervalS}s, max: ${intervalS}s }`])
      .replace('pullTimeout: 2s', 'pullTimeout: 15s') +
    `\nalerts:\n  groupWait: ${groupWaitS}s\n  receivers:\n    hook: { type: webhook, format: json, url: "${hook.url}/alerts" }\n`;
  const repo = m.makeControlRepo({
    factoryYaml: yaml,
    files: { 'repos/org/app.yaml': `forge: emu\nci: { server: wp, repoId: ${id} }\n` },
  });
  const git = await m.startGitServer(repo.srv);
  const dir = await repo.clone('supervisor', `${git.url}control.git`);
  const env = { ...process.env, FORGE_TOKEN: emu.forgejoToken, WP_TOKEN: emu.woodpeckerToken };
  const lines = [];
  const now = () => Date.now();
  const deps = { dir, env, node: 'bench', now, log: (l) => lines.push(l), http: { timing: { now } } };
  let stop;
  const stopped = new Promise((r) => (stop = r));
  const secret = 'bench-secret';
  const hooks = pushWebhook
    ? { listen: '127.0.0.1:0', webhookSecret: secret, onListening: (url) => git.setPushWebhook(`${url}/`, secret) }
    : { webhookSecret: '' };
  const loop = m.superviseLoop(deps, { ...hooks, stop: stopped });
  const fx = { repo, git };
  const firingFor = (node) =>
    hook.requests.find((r) => {
      const body = JSON.parse(r.body);
      return body.status === 'firing' && body.alerts.some((a) => a.name === 'node-level-3' && a.labels.node === node);
    });
  try {
    // Every trial's node beats first, so nothing but its level changes when the condition starts.
    const nodes = Array.from({ length: trials }, (_, i) => `n${i + 1}`);
    for (const n of nodes) await m.beat(fx, n, Date.now(), 0);
    await until(() => lines.some((l) => /committed/.test(l)), 60_000, 'a first committed cycle');
    const ms = [];
    for (const n of nodes) {
      await m.beat(fx, n, Date.now(), 3);
      const t0 = performance.now();
      await until(() => firingFor(n), 120_000, `the webhook POST for node-level-3 on ${n}`);
      ms.push(performance.now() - t0);
    }
    return { ms, intervalS, groupWaitS, posts: hook.requests.length, pushWebhook };
  } finally {
    stop();
    await loop;
    await git.close();
    await emu.close();
    await hook.close();
    repo.cleanup();
  }
}

export async function runAlertsBench() {
  const m = await load();
  const cycles = [await cycleCost(m, 0), await cycleCost(m, FIRING)];
  const latency = [await notifyLatency(m, { pushWebhook: false }), await notifyLatency(m, { pushWebhook: true })];
  const load1 = execFileSync('uptime', { encoding: 'utf8' }).trim();
  return { cycles, pure: pureCost(m), latency, uptime: load1 };
}

export function formatRows(r) {
  const out = ['### Supervisor cycle, steady state (median of 7, real git server and emulator)\n'];
  out.push(
    '| firing alerts | notifications delivered in warm-up | still in outbox | wall ms | CPU ms (this process) | commits in 7 cycles |',
  );
  out.push('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const c of r.cycles)
    out.push(
      `| ${c.firing} | ${c.delivered} | ${c.waiting} | ${c.wallMs.toFixed(0)} | ${c.cpuMs.toFixed(0)} | ${c.commits} |`,
    );
  const [quiet, busy] = r.cycles;
  out.push(
    `\nCost of 100 firing alerts: ${(busy.wallMs - quiet.wallMs).toFixed(0)} ms wall, ${(busy.cpuMs - quiet.cpuMs).toFixed(0)} ms CPU per cycle.`,
  );
  out.push('\n### The pure part, 100 firing alerts (median of 50)\n');
  out.push(
    '| planAlerts ms | render alerts.yaml ms | parse alerts.yaml ms | alerts.yaml KiB |\n| ---: | ---: | ---: | ---: |',
  );
  out.push(
    `| ${r.pure.plan.toFixed(2)} | ${r.pure.render.toFixed(2)} | ${r.pure.parse.toFixed(2)} | ${r.pure.kib.toFixed(1)} |`,
  );
  const run = r.cycles[0].wallMs;
  out.push(`\n### Condition to notification (wall clock, real loopback webhook receiver)\n`);
  out.push(
    `group_wait ${r.latency[0].groupWaitS}s, supervisor interval ${r.latency[0].intervalS}s (min = max), one quiet cycle's run ${run.toFixed(0)} ms; condition: a node pushes a level-3 decision (node-level-3, for 0s); until the receiver has the POST. Without a push webhook the cycle that sees the condition comes up to one interval after the push; with the control repo's push webhook (Forgejo's push event, signed) the push wakes it.\n`,
  );
  out.push(
    '| push webhook | trial ms | median ms | max ms | median / (group_wait + interval) | median / (group_wait + one cycle run) |',
  );
  out.push('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const l of r.latency) {
    const g = l.groupWaitS * 1000;
    out.push(
      `| ${l.pushWebhook ? 'yes' : 'no'} | ${l.ms.map((x) => x.toFixed(0)).join(', ')} | ${median(l.ms).toFixed(0)} | ${Math.max(...l.ms).toFixed(0)} | ${(median(l.ms) / (g + l.intervalS * 1000)).toFixed(2)} | ${(median(l.ms) / (g + run)).toFixed(2)} |`,
    );
  }
  out.push(`\nMachine: ${r.uptime}`);
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${formatRows(await runAlertsBench())}\n`);
}
