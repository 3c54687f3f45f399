#!/usr/bin/env node
// The bin runs the bundled build: no TypeScript compiler on the hot path.
import('../dist/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('factoryctl: not built yet; run `npm run build` in the factoryctl checkout\n');
    process.exit(70);
  }
  throw error;
});
