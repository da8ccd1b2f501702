#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3's real server, Node extension host and web workbench) from the
# npm registry only, for the extension tests (test/extension/). Outside the repository's node_modules:
# DEST defaults to $LAMBDA_WORKBENCH_CACHE (or ~/.cache/lambda-workbench)/code-server-$VERSION, so a
# clean clone on the same machine reuses it.
#
# code-server's own postinstall cannot run here: it refuses root without --unsafe-perm (gone from
# npm >= 7), and @vscode/ripgrep's / argon2's / kerberos' install steps download binaries from GitHub.
# So: install with --ignore-scripts and redo the postinstall's steps by hand, building the native
# modules from source (python3, make, g++, Node's headers; kerberos needs libkrb5-dev) and using
# Debian's ripgrep.
# Usage: install-code-server.sh [DEST_DIR]   (idempotent: DEST_DIR/.installed marks a finished install)
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.100.3}"   # the last code-server whose engines say Node 20 (VS Code 1.100.3)
DEST="${1:-${LAMBDA_WORKBENCH_CACHE:-$HOME/.cache/lambda-workbench}/code-server-$VERSION}"
if [ -f "$DEST/.installed" ] && [ "$(cat "$DEST/.installed")" = "$VERSION" ]; then
  echo "code-server $VERSION already installed in $DEST"; exit 0
fi
command -v rg >/dev/null || { echo "ripgrep (Debian package 'ripgrep') is required" >&2; exit 1; }
# node-gyp must build against the local Node headers (it would otherwise download them).
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

echo "installing code-server $VERSION into $DEST (once; ~1-2 min)…"
rm -rf "$DEST"; mkdir -p "$DEST"; cd "$DEST"
echo '{"name":"code-server-host","private":true}' > package.json
npm install --ignore-scripts --no-save --loglevel=error "code-server@$VERSION"
npm rebuild argon2 --build-from-source --loglevel=error   # required at startup by code-server
cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts --loglevel=error   # the VS Code server's deps (npm-shrinkwrap.json)
mkdir -p node_modules/@vscode/ripgrep/bin                  # an existing bin/ makes its postinstall skip the download
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild --loglevel=error                               # native modules: node-pty, spdlog, watcher, kerberos, ...
ln -sfn node_modules node_modules.asar                     # what code-server's postinstall.sh does
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev --loglevel=error) # typescript for the built-in TS/JS language features
cd "$DEST"
node node_modules/code-server/out/node/entry.js --version
echo "$VERSION" > .installed
