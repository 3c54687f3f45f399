#!/usr/bin/env bash
# The whole suite: strict type check, the formatter's check (width 120), then every vitest suite against the real bundle
# (the suite's global setup builds dist/ and fails loudly when git, crontab or sshd is missing).
set -uo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit || exit $?
npx prettier --check src test bench scripts || { echo 'formatting differs: run npm run format' >&2; exit 1; }
npx vitest run "$@"
code=$?
node scripts/test-summary.mjs .factoryctl/test-results.json
exit $code
