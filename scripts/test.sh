#!/usr/bin/env bash
# The test command (README): installs what the tests need, builds, and runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use, installed when missing (quiet when it works; the apt output and
# a non-zero exit when it does not):
# - awscli: the AWS CLI v2, for test/unit/api/awsCli.test.ts. The tests always call /usr/bin/aws
#   (an `aws` elsewhere on PATH may be a CLI v1), so that is what is checked.
# - python3-debugpy: debugpy for /usr/bin/python3, for test/unit/debug/python.test.ts.
# - chromium: the Timeline webview bundle under its CSP (test/unit/metrics/webview.test.ts) — before
#   mocha, so those tests run on a fresh machine (the extension tests need it too, later).
# - golang-go, make, python3-pip: the Go, makefile and pip builders run the real tools
#   (test/unit/build/toolBuilders.test.ts).
# - ruby, bundler: the Ruby runtime runs on Debian's ruby (test/unit/runtimes/ruby.test.ts), and the
#   bundler builder runs the real `bundle install` and `gem build` (test/unit/build/bundler.test.ts).
# - default-jdk-headless: javac and jar compile the Java runtime (the build's runtime.jar) and the
#   Java tests' handlers; java runs them (test/unit/runtimes/java.test.ts).
# - maven: the Maven builder's error when Maven Central cannot be reached comes from the real `mvn`
#   (test/unit/build/javaBuilders.test.ts).
missing=()
[ -x /usr/bin/aws ] || missing+=(awscli)
/usr/bin/python3 -c 'import debugpy' 2>/dev/null || missing+=(python3-debugpy)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v go >/dev/null || missing+=(golang-go)
command -v make >/dev/null || missing+=(make)
/usr/bin/python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
command -v ruby >/dev/null || missing+=(ruby)
command -v bundle >/dev/null || missing+=(bundler)
command -v javac >/dev/null || missing+=(default-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  apt_log="$(mktemp)"
  echo "scripts/test.sh: installing ${missing[*]} (Debian) for the tests…" >&2
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1 \
    || [ ! -x /usr/bin/aws ] || ! /usr/bin/aws --version >>"$apt_log" 2>&1 \
    || ! /usr/bin/python3 -c 'import debugpy' >>"$apt_log" 2>&1 \
    || [ ! -x /usr/bin/chromium ] || ! command -v go >/dev/null || ! command -v make >/dev/null \
    || ! /usr/bin/python3 -m pip --version >>"$apt_log" 2>&1 \
    || ! command -v ruby >/dev/null || ! command -v bundle >/dev/null || ! command -v javac >/dev/null || ! command -v mvn >/dev/null; then
    cat "$apt_log" >&2
    echo "scripts/test.sh: FAILED to install ${missing[*]} (apt-get install); the AWS CLI tests need /usr/bin/aws, the Python debugger test debugpy, the webview tests Chromium, the build tests go, make, pip and bundler, the Ruby tests ruby, the Java tests javac and mvn" >&2
    rm -f "$apt_log"
    exit 1
  fi
  rm -f "$apt_log"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node scripts/build.mjs
npx tsc -p . --noEmit
# Lint and format (eslint.config.mjs, .prettierrc.json): reported, and the run fails at the end, but
# the tests still run.
lint_rc=0
npx eslint . || lint_rc=$?
npx prettier --check --log-level warn . || lint_rc=$?
# Mocha's output is kept so that its failures can be printed again at the very end: the extension
# tests' output comes after them, and a CI log shows only its tail.
unit_rc=0
mocha_log="$(mktemp)"
npx mocha 2>&1 | tee "$mocha_log" || unit_rc=$?
# Then the extension in a real VS Code extension host (test/extension/, ~1 min; installs Chromium and
# code-server on first use), also when a unit test failed. Screenshots: test-artifacts/extension/.
ext_rc=0
bash scripts/test-extension.sh || ext_rc=$?
if [ "$lint_rc" -ne 0 ]; then echo "scripts/test.sh: lint or format check FAILED (npm run lint; npm run format fixes layout)" >&2; fi
if [ "$unit_rc" -ne 0 ]; then
  sed -n '/^  [0-9][0-9]* failing/,$p' "$mocha_log" | head -n 300 >&2
  echo "scripts/test.sh: unit tests FAILED (mocha exit $unit_rc)" >&2
fi
rm -f "$mocha_log"
if [ "$ext_rc" -ne 0 ]; then echo "scripts/test.sh: extension tests FAILED (exit $ext_rc)" >&2; fi
[ "$lint_rc" -eq 0 ] && [ "$unit_rc" -eq 0 ] && [ "$ext_rc" -eq 0 ]
