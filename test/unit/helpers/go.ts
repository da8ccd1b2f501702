import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findOnPath } from '../../../src/core/util/executables';

// Go custom runtimes for the tests: test/fixtures/go programs on the standard library only (no Go
// proxy is reachable), built with the local go into a function's `bootstrap`.

export const GO = findOnPath('go');
const GO_FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'go');

/** Builds test/fixtures/go/<program>/main.go into `dir`/bootstrap (statically: no cgo); `work` holds go's cache unless GOCACHE is set. */
export function buildGoBootstrap(program: string, dir: string, work: string): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(GO!, ['build', '-o', path.join(dir, 'bootstrap'), 'main.go'], {
    cwd: path.join(GO_FIXTURES, program),
    env: { ...process.env, CGO_ENABLED: '0', GOPROXY: 'off', GOFLAGS: '-mod=mod', GOCACHE: process.env.GOCACHE ?? path.join(work, 'go-cache') },
  });
}
