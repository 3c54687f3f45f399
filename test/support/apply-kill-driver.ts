// Bundled and run as a child by the kill -9 test: applies a cycle of plans, forever, until killed.
// It says on stdout where it is (stdout to a pipe is synchronous on Linux: a line the test reads
// was written before the kill, and the last line after the kill is the last step begun or ended):
//   start N        apply N begins: its halt files are next
//   halt-files N   apply N's halt files are done: its crontab is next
//   applied N      apply N is whole
//   paused N       (with a third argument N) parked after apply N, doing nothing until killed
import { readFileSync } from 'node:fs';
import { applyCrontabBlock } from '../../src/adapters/node/crontab.js';
import { applyHaltFiles } from '../../src/adapters/node/halt-files.js';
import type { LocalPlan } from '../../src/domain/local-plan.js';

const plans = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LocalPlan[];
const tmpDir = process.argv[3]!;
const pauseAfter = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
for (let i = 0; ; i++) {
  const plan = plans[i % plans.length]!;
  process.stdout.write(`start ${i}\n`);
  applyHaltFiles(plan);
  process.stdout.write(`halt-files ${i}\n`);
  applyCrontabBlock(plan.crontab, { tmpDir });
  process.stdout.write(`applied ${i}\n`);
  if (i === pauseAfter) break;
}
// Parked between two applies: the kill lands on a driver that is in no step at all.
process.stdout.write(`paused ${pauseAfter}\n`);
setInterval(() => undefined, 1 << 30);
