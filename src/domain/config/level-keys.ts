// Apart from policy-schema.ts so that the node daemon's decisions import no zod.
export const LEVEL_KEYS = ['1', '2', '3'] as const;
export type LevelKey = (typeof LEVEL_KEYS)[number];
