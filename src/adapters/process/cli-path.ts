import { existsSync, realpathSync } from 'node:fs';

/** bin/factoryctl.js as it was started, for the crontab lines (cron has no PATH to find it by). */
export function cliPath(): string {
  const script = process.argv[1];
  if (!script) return 'factoryctl';
  try {
    // The CommonJS bin beside the ESM one: the gate in every crontab line skips the ESM loader.
    const real = realpathSync(script);
    const cjs = real.replace(/factoryctl\.js$/, 'factoryctl.cjs');
    return existsSync(cjs) ? cjs : real;
  } catch {
    return script;
  }
}
