#!/usr/bin/env node
// Same as bin/factoryctl.cjs (the installed bin), for `node bin/factoryctl.js ...`.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./factoryctl.cjs');
