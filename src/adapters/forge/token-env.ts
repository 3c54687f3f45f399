// Tokens come from environment variables named in config; the value never appears in config or messages.
import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';

export function readToken(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!value) throw new FactoryError(`environment variable ${name} (forge token) is not set`, EXIT.CONFIG);
  return value;
}
