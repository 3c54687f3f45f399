// Bundles the CLI to plain JavaScript with one chunk per command, so the gate
// (the hot path, run on every poll of every agent) loads only what it needs.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

// The gate, the agents' hot path, as one CommonJS file: no ESM loader, no command table, no
// chunk graph. YAML and zod live in dist/gate-parse.cjs, required only when a control file changed.
const gateParse = {
  name: 'gate-parse-external',
  setup(b) {
    b.onResolve({ filter: /(^|\/)view-parse\.js$/ }, () => ({ path: './gate-parse.cjs', external: true }));
    // the `gate ROLE -- COMMAND` form only: the plain gate never loads it
    b.onResolve({ filter: /(^|\/)slot-run\.js$/ }, () => ({ path: './gate-slots.cjs', external: true }));
    // judging new control commits (and the YAML it loads): only when main moved, with trust in play
    b.onResolve({ filter: /(^|\/)trust-advance\.js$/ }, () => ({ path: './gate-trust.cjs', external: true }));
  },
};
const cjs = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, logLevel: 'warning' };
await build({ ...cjs, entryPoints: ['src/gate-main.ts'], outfile: 'dist/gate.cjs', plugins: [gateParse] });
// Required by the bin before gate.cjs, so that git starts pulling while the rest loads.
await build({ ...cjs, entryPoints: ['src/gate-early.ts'], outfile: 'dist/gate-early.cjs', plugins: [gateParse] });
await build({ ...cjs, entryPoints: ['src/adapters/control-repo/trust-advance.ts'], outfile: 'dist/gate-trust.cjs' });
await build({ ...cjs, entryPoints: ['src/adapters/control-repo/view-parse.ts'], outfile: 'dist/gate-parse.cjs' });
await build({ ...cjs, entryPoints: ['src/runtime/gate/slot-run.ts'], outfile: 'dist/gate-slots.cjs' });
// The node daemon's config worker (src/adapters/control-repo/config-worker.ts): YAML and zod in a thread that
// ends with its answer, so the long-running daemon never keeps them resident.
await build({ ...cjs, entryPoints: ['src/config-worker-main.ts'], outfile: 'dist/config-worker.cjs' });

// The build's identity, beside it: the self-upgrade (src/adapters/upgrade/self-upgrade.ts) rebuilds when the
// checked-out source differs. Same formula as src/domain/build-id.ts; it passes its own in the env.
writeFileSync(new URL('../dist/BUILD_ID', import.meta.url), process.env.FACTORYCTL_BUILD_INFO ?? buildInfo());

function buildInfo() {
  const inputs = ['package-lock.json', 'package.json', 'scripts/build.mjs', 'src', 'tsconfig.json'];
  const git = (args) =>
    execFileSync('git', args, {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  try {
    const parts = [
      ...git(['ls-tree', '--full-tree', 'HEAD', '--', ...inputs]).matchAll(/^\d+ \w+ ([0-9a-f]+)\t(.+)$/gm),
    ]
      .map((m) => `${m[2]} ${m[1]}\n`)
      .sort()
      .join('');
    const id = createHash('sha256').update(parts).digest('hex').slice(0, 20);
    // A build of uncommitted edits is not the commit's build.
    const dirty = git(['status', '--porcelain', '--', ...inputs]).trim() !== '';
    return `${id}${dirty ? '+dirty' : ''}\n${parts}`;
  } catch {
    return 'unversioned\n';
  }
}
