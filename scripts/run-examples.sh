#!/usr/bin/env bash
# Examples are tests: run every example and fail if one throws.
set -euo pipefail
for example in examples/*.ts; do
  case "$example" in *.test.ts) continue ;; esac
  echo "--- $example"
  npx tsx "$example"
done
