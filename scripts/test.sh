#!/usr/bin/env bash
# The test command (README): installs what the tests need, builds, and runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node scripts/build.mjs
npx tsc -p . --noEmit
npx mocha
