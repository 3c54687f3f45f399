// The time bound on a pull of the control repo when factory.yaml does not set gate.pullTimeout:
// the schema's default and every fallback (the gate before any config was read, lease and
// telemetry fetches) use this one figure. No imports, so the gate reads it without loading zod.
export const DEFAULT_PULL_TIMEOUT_MS = 5_000;
export const DEFAULT_PULL_TIMEOUT = `${DEFAULT_PULL_TIMEOUT_MS / 1000}s`;
