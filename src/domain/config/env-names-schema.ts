import { z } from 'zod';
import { EnvVarName } from './common.js';

/** What factoryctl knows about a repository, by field; `env` exports each under the name the agents read. */
export const AGENT_ENV_FIELDS = {
  repo: 'owner/name',
  owner: 'the owner (user or organisation)',
  name: "the repository's name (disinto's PROJECT_NAME)",
  forge: "the forge's name in factory.yaml",
  forgeUrl: "the forge's base URL",
  primaryBranch: "the repository's primaryBranch",
  ciServer: "the CI server's name in factory.yaml",
  ciUrl: "the CI server's URL",
  ciRepoId: "the repository's id on the Woodpecker server",
  factory: "the factory's name",
} as const;
export type AgentEnvField = keyof typeof AGENT_ENV_FIELDS;

const fieldNames = Object.fromEntries(
  Object.entries(AGENT_ENV_FIELDS).map(([field, what]) => [
    field,
    EnvVarName.optional().describe(`the variable that carries ${what}`),
  ]),
) as Record<AgentEnvField, z.ZodOptional<typeof EnvVarName>>;

/** factory.yaml `env`: configured once per factory, so every repository's agents get the same names. */
export const AgentEnvConfig = z.strictObject({
  names: z
    .strictObject(fieldNames)
    .default({})
    .describe(
      "factoryctl's fields -> the variable names the agents read, e.g. repo: FORGE_REPO (FACTORY_REPO is always set)",
    ),
});
