import { z } from 'zod';

/**
 * factory.yaml `trust`: whether the factory acts only on signed control commits (Flux's spec.verify, with
 * Git's SSH signing). Skeleton: the trust engineer owns this file.
 */
export const TrustConfig = z.strictObject({
  mode: z
    .enum(['off', 'warn', 'enforce'])
    .default('off')
    .describe(
      'off: no checks; warn: journal and show untrusted commits but act on them; enforce: act only on trusted state',
    ),
});
export type TrustConfig = z.infer<typeof TrustConfig>;
