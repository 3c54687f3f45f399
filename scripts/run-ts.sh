#!/usr/bin/env bash
# Runs a TypeScript file once without tsx: bundle it in memory with esbuild, pipe it to node.
set -euo pipefail
f="$1"; shift
npx esbuild "$f" --bundle --platform=node --format=esm --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  | node --input-type=module - "$@"
