import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyDirectory, runTool, toolFailure, type ToolResult } from './builderSupport';
import type { BuildOutcome, BuildRequest, Builder } from './types';

// `BuildMethod: go1.x` as SAM's go_modules workflow (aws-lambda-builders) runs it:
// `go build [-trimpath] -o <artefact>/bootstrap <CodeUri>` in CodeUri, with GOOS=linux and GOARCH
// from the function's architecture, and — when the CodeUri holds no Go files — once more with the
// package at CodeUri/<Handler>. For provided.* runtimes the binary is `bootstrap`, for the retired
// go1.x runtime it is named after the Handler. aws-lambda-builders sets only GOOS and GOARCH; we
// also default CGO_ENABLED to 0 (a static binary that does not need this machine's libc, as
// aws-lambda-go advises for Lambda) unless the environment sets it. No other flag: SAM passes none
// (TrimGoPath adds -trimpath; GOFLAGS from the environment apply as with SAM).

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export interface GoBuilderOptions {
  /** The go to run (default: `go` on PATH). */
  go?: string;
  timeoutMs?: number;
}

export class GoBuilder implements Builder {
  readonly name = 'go';

  constructor(private readonly options: GoBuilderOptions = {}) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { fn, sourceDir, artefactDir } = request;
    await emptyDirectory(artefactDir);
    const output = path.join(artefactDir, fn.runtime.startsWith('provided') ? 'bootstrap' : fn.handler);
    const goarch = fn.architectures[0] === 'arm64' ? 'arm64' : 'amd64';
    const flags = fn.build?.properties.TrimGoPath === true ? ['-trimpath'] : [];
    const env = { GOOS: 'linux', GOARCH: goarch, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' };

    const build = (pkg: string) => {
      request.log(`go build ${[...flags, '-o', output, pkg].join(' ')} (GOOS=linux GOARCH=${goarch})`);
      return runTool({
        tool: 'go',
        command: this.options.go ?? 'go',
        args: ['build', ...flags, '-o', output, pkg],
        cwd: sourceDir,
        env,
        timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        missing: 'go was not found on PATH: BuildMethod go1.x builds with your Go toolchain (https://go.dev/dl/, or apt-get install golang-go).',
      });
    };
    let result = await build(sourceDir);
    const handlerPackage = path.join(sourceDir, fn.handler);
    if (result.code !== 0 && noGoFiles(result) && fn.handler && fs.existsSync(handlerPackage) && fs.statSync(handlerPackage).isDirectory()) {
      result = await build(handlerPackage);
    }
    if (result.code !== 0) throw toolFailure(goFailure(result.lastLines), result);
    return {};
  }
}

function noGoFiles(result: ToolResult): boolean {
  return result.lastLines.some((line) => /no Go files in|go\.mod file not found/.test(line));
}

/** What go could not do, in words: above all a module it could not fetch. */
export function goFailure(lines: string[]): string {
  const text = lines.join('\n');
  const fetch = /(\S+@\S+): (?:Get|verifying module:.*?Get) "[^"]+": (.*)$/m.exec(text);
  if (fetch) return `go build failed: the module ${fetch[1]} could not be fetched, the module proxy is unreachable (${fetch[2]}).`;
  const disabled = /module lookup disabled by (\S+)/.exec(text);
  if (disabled) return `go build failed: a module could not be fetched, module lookup is disabled by ${disabled[1]}.`;
  const sum = /missing go\.sum entry for module providing package (\S+)/.exec(text);
  if (sum) return `go build failed: go.sum has no entry for the module providing ${sum[1]} (run go mod tidy, which fetches it).`;
  if (/go\.mod file not found/.test(text)) return 'go build failed: no go.mod in the CodeUri (SAM builds Go functions as modules: go mod init).';
  return 'go build failed.';
}
