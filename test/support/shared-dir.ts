import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This project's checkout, wherever it was cloned. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The team's shared folder (API specs): CI puts a copy beside the clone (`<somewhere>/shared`),
 * the dev machine has it at /work/shared. A missing one fails the test loudly, naming both places.
 */
export function sharedPath(...parts: string[]): string {
  const candidates = [join(PROJECT_ROOT, '..', 'shared'), '/work/shared'].map((dir) => join(dir, ...parts));
  const found = candidates.find((path) => existsSync(path));
  if (!found)
    throw new Error(
      `shared file not found; looked at ${candidates.join(' and ')}: put a copy of shared/ beside the clone`,
    );
  return found;
}
