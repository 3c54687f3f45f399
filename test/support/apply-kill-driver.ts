// Bundled and run as a child by the kill -9 test: applies a cycle of plans, forever, until killed.
import { readFileSync } from 'node:fs';
import { applyCrontabBlock } from '../../src/adapters/node/crontab.js';
import { applyHaltFiles } from '../../src/adapters/node/halt-files.js';
import type { LocalPlan } from '../../src/domain/local-plan.js';

const plans = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LocalPlan[];
const tmpDir = process.argv[3]!;
for (let i = 0; ; i++) {
  const plan = plans[i % plans.length]!;
  applyHaltFiles(plan);
  applyCrontabBlock(plan.crontab, { tmpDir });
  process.stdout.write(`applied ${i}\n`);
}
