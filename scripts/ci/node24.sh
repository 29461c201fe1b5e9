#!/usr/bin/env bash
# Runs the unit tests and the quickstart on Node.js 24, brought from the npm registry.
set -euo pipefail
node24() { npx -y node@24 "$@"; }
node24 --version
node24 node_modules/vitest/vitest.mjs run --project unit
node24 node_modules/tsx/dist/cli.mjs examples/quickstart.ts
