#!/usr/bin/env bash
# The extension tests (test/extension/): the extension in a real VS Code extension host, driven
# through @vscode/test-electron's runTests(). VS Code cannot be downloaded here (nor in CI), so the
# "VS Code executable" is test/extension/code-web-shim.mjs: code-server's VS Code 1.100.3 server
# (npm) with headless Debian Chromium as the workbench (playwright-core).
# Run by scripts/test.sh after the unit tests (it has built dist/ already); alone:
#   bash scripts/test-extension.sh [--build]      Env: EXT_TEST_GREP=pattern, EXT_TEST_VERBOSE=1
# Screenshots go to test-artifacts/extension/ (git-ignored), with one results file per suite.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
t0=$(date +%s)

# Debian packages, installed only when missing: Chromium (the workbench), ripgrep (code-server's
# search, instead of a GitHub download), libkrb5-dev (to build code-server's kerberos module),
# DejaVu fonts (readable screenshots).
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
[ -f /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  apt_log="$(mktemp)"
  echo "scripts/test-extension.sh: installing ${need[*]} (Debian) for the extension tests…" >&2
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    echo "scripts/test-extension.sh: FAILED to install ${need[*]} (apt-get install)" >&2
    rm -f "$apt_log"
    exit 1
  fi
  rm -f "$apt_log"
fi

# code-server, once per machine, outside the repository (scripts/install-code-server.sh).
cs_version="${CODE_SERVER_VERSION:-4.100.3}"
cs_dir="${LAMBDA_WORKBENCH_CACHE:-$HOME/.cache/lambda-workbench}/code-server-$cs_version"
cs_log="$(mktemp)"
if ! bash scripts/install-code-server.sh "$cs_dir" >"$cs_log" 2>&1; then
  cat "$cs_log" >&2
  echo "scripts/test-extension.sh: FAILED to install code-server $cs_version into $cs_dir" >&2
  rm -f "$cs_log"
  exit 1
fi
grep -E '^(code-server|installing)' "$cs_log" >&2 || true
rm -f "$cs_log"

if [ "${1:-}" = "--build" ] || [ ! -f dist/extension.js ]; then node scripts/build.mjs; fi
node test/extension/build.mjs

artifacts="$root/test-artifacts/extension"
rm -rf "$artifacts"
mkdir -p "$artifacts"
export CODE_SERVER_ENTRY="$cs_dir/node_modules/code-server/out/node/entry.js"
rc=0
# The development tree's extension (suite/), then the packaged VSIX installed into code-server
# (installed/, untrusted/: runInstalled.mjs packages this platform's VSIX from dist/ first).
EXT_TEST_RESULTS="$artifacts/results.json" \
EXT_TEST_SCREENSHOT_DIR="$artifacts" \
EXT_TEST_TIMEOUT_MS="${EXT_TEST_TIMEOUT_MS:-600000}" \
  node test/extension/runTest.mjs || rc=$?
t1=$(date +%s)
EXT_TEST_RESULTS_DIR="$artifacts" \
EXT_TEST_TIMEOUT_MS="${EXT_TEST_TIMEOUT_MS:-600000}" \
  node test/extension/runInstalled.mjs || rc=$?
echo "Installed VSIX tests: $(( $(date +%s) - t1 )) s"

echo
summary=""
for suite in development installed untrusted; do
  results="$artifacts/results.json"
  [ "$suite" = development ] || results="$artifacts/results-$suite.json"
  if [ -f "$results" ]; then
    line="$(node -e 'const r = require(process.argv[1]); process.stdout.write(`${r.passed} passed, ${r.failed} failed` + (r.skipped ? `, ${r.skipped} skipped` : ""))' "$results")"
    failed="$(node -p 'require(process.argv[1]).failed' "$results")"
    passed="$(node -p 'require(process.argv[1]).passed' "$results")"
    # Nothing passed is a failure, unless EXT_TEST_GREP chose tests of other suites.
    if [ "$failed" -gt 0 ] || { [ "$passed" -eq 0 ] && [ -z "${EXT_TEST_GREP:-}" ]; }; then [ $rc -ne 0 ] || rc=1; fi
  else
    line="0 passed, 1 failed (no results written; see the output above)"
    [ $rc -ne 0 ] || rc=1
  fi
  summary+="  $suite: $line"$'\n'
done
shots=("$artifacts"/*.png)
if [ -e "${shots[0]}" ]; then
  echo "Extension test screenshots (test artifacts):"
  for f in "${shots[@]}"; do echo "  $f"; done
fi
echo "Extension tests ($(( $(date +%s) - t0 )) s):"
printf '%s' "$summary"
exit $rc
