// The cost of signed writes: one commit as factoryctl builds it (buildCommit: a private index, a
// blob, a tree, commit-tree), unsigned and signed with an ed25519 key through `ssh-keygen -Y sign`,
// and the supervisor's check of one telemetry tip it has not seen (git verify-commit against the
// allowed signers) and of one it has (the cache by sha). Medians of ROUNDS, in ms; the signing
// overhead is the difference of the medians. The physical floor here is the extra process: the
// signed commit starts ssh-keygen once more, so its cost is that of a process start and one signature.
// Standalone: `node bench/signing.bench.mjs [rounds]`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './bench-kit.mjs';
import { importTs } from './import-ts.mjs';

const ROUNDS = Number(process.argv[2] ?? 30);
const m = await importTs(
  `export { buildCommit } from './src/adapters/git/build-commit.ts';
   export { SIGNING_KEY_ENV } from './src/adapters/git/signing.ts';
   export { tipSignatures } from './src/adapters/telemetry/tip-signatures.ts';`,
  'signing',
);

const tmp = mkdtempSync(join(tmpdir(), 'factoryctl-bench-signing-'));
try {
  const repo = join(tmp, 'repo');
  const git = (...args) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git('config', 'user.name', 'bench');
  git('config', 'user.email', 'bench@example.org');
  const key = join(tmp, 'node.key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'node:bench', '-f', key]);
  const pub = readFileSync(`${key}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  mkdirSync(join(repo, 'trust'));
  writeFileSync(join(repo, 'trust', 'allowed_signers'), `node:bench ${pub}\n`);

  const time = async (f) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const unsigned = [];
  const signed = [];
  const shas = [];
  let base;
  for (let i = 0; i < ROUNDS; i++) {
    const env = { [m.SIGNING_KEY_ENV]: '' };
    unsigned.push(await time(async () => (base = await m.buildCommit(repo, base, { 'a.txt': `u${i}\n` }, 'u', env))));
    const signEnv = { [m.SIGNING_KEY_ENV]: key };
    signed.push(
      await time(async () => {
        base = await m.buildCommit(repo, base, { 'a.txt': `s${i}\n` }, 's', signEnv);
        shas.push(base);
      }),
    );
  }
  const cache = new Map();
  const fresh = [];
  const cached = [];
  for (const sha of shas) {
    fresh.push(await time(() => m.tipSignatures(repo, [sha], cache)));
    cached.push(await time(() => m.tipSignatures(repo, [sha], cache)));
  }
  const row = (what, xs) => `| ${what} | ${median(xs).toFixed(1)} |`;
  console.log(`load average ${loadavg()[0].toFixed(2)}, ${ROUNDS} rounds, medians\n`);
  console.log('| what | ms |\n| --- | ---: |');
  console.log(row('commit, unsigned (buildCommit)', unsigned));
  console.log(row('commit, signed with an ed25519 key', signed));
  console.log(`| signing overhead of one commit | ${(median(signed) - median(unsigned)).toFixed(1)} |`);
  console.log(row('check of a new telemetry tip (git verify-commit)', fresh));
  console.log(row('check of a tip already seen (cached by sha)', cached));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
