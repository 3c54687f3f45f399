// Trusted commits (issue 13): the gate with trust.mode enforce against its physical limit (the
// gate bench's table: gate / (node + pull) <= 1.2, the verdicts cached by sha), then the cost of
// judging new commits of main with real ssh-keygen -Y signatures: one new commit, and a chain of
// 100, each run from the same last trusted commit (the per-clone cache rewound in between).
// Standalone: `node bench/trust.bench.mjs [runsPerRound] [rounds]` (needs `npm run build` first).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchTransport, bundleSupport, formatRows, makeBareRepo, startHttpServer } from './gate.bench.mjs';
import { cleanupStack, median, snapshotApp } from './bench-kit.mjs';

const IDENTITY = { GIT_AUTHOR_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'B', GIT_COMMITTER_EMAIL: 'b@x' };
const git = (cwd, args) =>
  execFileSync('git', args, { cwd, env: { ...process.env, ...IDENTITY }, encoding: 'utf8' }).trim();

/** Signs the trust root (alice, enforce) on top of the bench repo; returns alice's key. */
function addTrustRoot(tmp, bare) {
  const key = join(tmp, 'alice.key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice', '-f', key]);
  const pub = readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  const human = join(tmp, 'human');
  git(tmp, ['clone', '-q', bare, human]);
  execFileSync('mkdir', ['-p', join(human, 'trust')]);
  writeFileSync(join(human, 'trust', 'allowed_signers'), `human:alice ${pub}\n`);
  writeFileSync(
    join(human, 'factory.yaml'),
    `${readFileSync(join(human, 'factory.yaml'), 'utf8')}\ntrust:\n  mode: enforce\n`,
  );
  signedCommit(human, key, 'trust root');
  git(human, ['push', '-q', 'origin', 'main']);
  return { key, human };
}

function signedCommit(dir, key, message) {
  git(dir, ['add', '-A']);
  git(dir, [
    '-c',
    'gpg.format=ssh',
    '-c',
    `user.signingkey=${key}`,
    'commit',
    '-q',
    '-S',
    '--allow-empty',
    '-m',
    message,
  ]);
  return git(dir, ['rev-parse', 'HEAD']);
}

/** ms to judge `count` new signed commits from the same trusted state, median of `times` runs. */
async function judgeCost(tmp, bin, bare, human, key, count, times) {
  const { advanceTrust } = createRequire(bin)(join(bin, '..', '..', 'dist', 'gate-trust.cjs'));
  const clone = join(tmp, `judge-${count}`);
  git(tmp, ['clone', '-q', bare, clone]);
  const base = git(clone, ['rev-parse', 'HEAD']);
  await advanceTrust(clone, base);
  const state = join(clone, '.git', 'factoryctl', 'trust.json');
  const cached = readFileSync(state, 'utf8');
  git(human, ['pull', '-q', '--ff-only']);
  for (let i = 0; i < count; i += 1) {
    writeFileSync(join(human, 'factory-state', 'bench.txt'), `${count} ${i}\n`);
    signedCommit(human, key, `change ${i}`);
  }
  git(human, ['push', '-q', 'origin', 'main']);
  git(clone, ['fetch', '-q']);
  const head = git(clone, ['rev-parse', 'origin/main']);
  const ms = [];
  for (let i = 0; i < times; i += 1) {
    writeFileSync(state, cached);
    const t0 = performance.now();
    const result = await advanceTrust(clone, head);
    ms.push(performance.now() - t0);
    if (result.trusted !== head) throw new Error(`chain of ${count} not trusted: ${JSON.stringify(result.untrusted)}`);
  }
  return median(ms);
}

const tmp = mkdtempSync(join(tmpdir(), 'trust-bench-'));
const cleanup = cleanupStack();
cleanup.push(() => rmSync(tmp, { recursive: true, force: true }));
try {
  const bin = snapshotApp(tmp);
  const { srv, bare } = makeBareRepo(tmp);
  const { key, human } = addTrustRoot(tmp, bare);
  const { httpServer } = await bundleSupport(tmp);
  const http = await startHttpServer(httpServer, srv);
  cleanup.push(http.stop);
  const env = { ...process.env, FACTORY_NODE: 'bench', GIT_TERMINAL_PROMPT: '0' };
  const children = new Set();
  const loadBefore = loadavg()[0];
  const rows = [
    await benchTransport('file://, enforce', 'file', pathToFileURL(bare).href, env, bin, tmp, children),
    await benchTransport('HTTP, enforce', 'http', `${http.url}control.git`, env, bin, tmp, children),
  ].map((r) => ({ ...r, load: [loadBefore, loadavg()[0]] }));
  console.log(formatRows(rows));
  const one = await judgeCost(tmp, bin, bare, human, key, 1, 9);
  const hundred = await judgeCost(tmp, bin, bare, human, key, 100, 3);
  console.log('\n| new commits judged (ssh-keygen -Y, file://) | ms, median | ms per commit |\n| ---: | ---: | ---: |');
  console.log(`| 1 | ${one.toFixed(1)} | ${one.toFixed(1)} |`);
  console.log(`| 100 | ${hundred.toFixed(1)} | ${(hundred / 100).toFixed(1)} |`);
} finally {
  await cleanup.run();
}
