// Benches run the project's TypeScript (src/ and test/support/) without a build step: esbuild
// bundles an entry given as text into a real file and the bench imports it.
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function importTs(contents, name) {
  // A real file, not a data: URL (bundled CommonJS dependencies need createRequire(import.meta.url)),
  // two levels under the root, so helpers' new URL('../../', import.meta.url) still finds the template.
  const out = join(root, 'bench', `.tmp-${name}-${process.pid}`);
  mkdirSync(out, { recursive: true });
  await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: `${name}-bench-entry.ts` },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: join(out, 'bench.mjs'),
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  try {
    return await import(pathToFileURL(join(out, 'bench.mjs')).href);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
