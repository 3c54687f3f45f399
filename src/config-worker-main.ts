// The config worker's entry, built as its own file (dist/config-worker.cjs) and run as a child
// process by the node daemon (src/adapters/control-repo/config-worker.ts): YAML parsing and zod validation
// happen here, in a process that exits with its answer, so neither stays in the daemon's memory.
// Request: one JSON object on stdin; answer: one JSON object on stdout.
import { handleConfigRequest, type ConfigWorkerRequest } from './adapters/control-repo/config-worker-handler.js';

const chunks: Buffer[] = [];
process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
process.stdin.on('end', () => {
  const answer = (message: unknown) => process.stdout.write(JSON.stringify(message));
  Promise.resolve()
    .then(() => handleConfigRequest(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ConfigWorkerRequest))
    .then(
      (value) => answer({ ok: true, value }),
      (error: Error) => answer({ ok: false, error: error.stack ?? error.message }),
    );
});
