import { z } from 'zod';
import { EnvVarName } from './common.js';

export const ForgeConfig = z.strictObject({
  type: z.enum(['forgejo', 'gitea']).default('forgejo'),
  url: z.url().describe('base URL, e.g. https://codeberg.org'),
  tokenEnv: EnvVarName.describe('environment variable holding the API token'),
});

export const CiServerConfig = z.strictObject({
  type: z.literal('woodpecker').default('woodpecker'),
  url: z.url(),
  tokenEnv: EnvVarName,
});
