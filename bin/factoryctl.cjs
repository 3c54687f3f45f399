#!/usr/bin/env node
// The installed bin. `factoryctl gate` (on every poll of every agent) runs a single CommonJS
// file and never starts the ESM loader; every other command goes through dist/cli.js.
'use strict';
const first = firstCommand(process.argv.slice(2));
try {
  if (first === 'gate') {
    require('../dist/gate-early.cjs').startEarlyPull(process.argv.slice(2));
    require('../dist/gate.cjs');
  }
  else import('../dist/cli.js').catch(notBuilt);
} catch (error) {
  notBuilt(error);
}

function firstCommand(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--dir' || args[i] === '--node') i++;
    else if (!args[i].startsWith('--')) return args[i];
  }
  return undefined;
}

function notBuilt(error) {
  if (error && (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND') && /dist[\\/](cli\.js|gate(-early)?\.cjs)/.test(String(error.message))) {
    process.stderr.write('factoryctl: not built yet; run `npm run build` in the factoryctl checkout\n');
    process.exit(70);
  }
  throw error;
}
