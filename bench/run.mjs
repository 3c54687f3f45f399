// `npm run bench [-- NAME...]`: runs every bench/*.bench.mjs (or those whose name contains a NAME),
// each as its own process, so one bench's crash, stray timer or loaded module cannot skew or stop
// the next; their tables go straight to stdout.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
if (benches.length === 0) {
  console.error(`no bench matches ${wanted.join(', ')} in ${dir}`);
  process.exit(2);
}

function runOne(file) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [file], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: 'inherit',
    });
    const forward = (signal) => child.kill(signal); // the child cleans up its own servers and temp dirs
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve({ file, code: code ?? 128, signal, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const results = [];
for (const file of benches) {
  console.log(`\n## ${file.replace('.bench.mjs', '')}\n`);
  results.push(await runOne(`${dir}${file}`));
}
console.log('\n| bench | exit | seconds |\n| --- | ---: | ---: |');
for (const r of results)
  console.log(`| ${r.file.slice(dir.length)} | ${r.signal ?? r.code} | ${r.seconds.toFixed(1)} |`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
