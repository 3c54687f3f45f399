import { describe, expect, it } from 'vitest';
import { TelemetryConfig } from '../../../src/domain/config/factory-schema.js';

describe('telemetry config: maxCommits bounds the branch by commits (default 400, at least 10)', () => {
  it.each([
    { given: {}, ok: true, maxCommits: 400 },
    { given: { maxCommits: 10 }, ok: true, maxCommits: 10 },
    { given: { maxCommits: 9 }, ok: false },
    { given: { maxCommits: 12.5 }, ok: false },
  ])('$given', ({ given, ok, maxCommits }) => {
    const parsed = TelemetryConfig.safeParse(given);
    expect(parsed.success).toBe(ok);
    if (parsed.success) expect(parsed.data.maxCommits).toBe(maxCommits);
  });
});
