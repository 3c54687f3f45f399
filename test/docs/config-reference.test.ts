import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { render } from '../../scripts/config-reference.mjs';

describe('docs/config-reference.md', () => {
  it('matches the committed JSON Schemas, so the reference an operator reads is the config the code accepts', () => {
    const committed = readFileSync(new URL('../../docs/config-reference.md', import.meta.url), 'utf8');
    expect(committed).toBe((render as () => string)());
    expect(committed).toContain('| `gate.maxStaleness` | duration |');
  });
});
