import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionDefinition } from '../config/types';
import { findOnPath } from '../util/executables';
import { bootstrapFile } from './files';
import type { JavaClassDataSharing } from './javaClassDataSharing';
import type { LaunchOptions, RuntimeAdapter, RuntimeLaunch } from './types';

// Java runtimes (java11, java17, java21) on a local JDK, running our own standard-library runtime
// client (java/src/lambdaworkbench/runtime). Its classes come from runtime.jar, which the build
// makes when a JDK is present, else they are compiled on first use with the user's javac into the
// state directory, keyed by the sources' hash.

export interface LocalJava {
  /** The real executable (symlinks resolved). */
  path: string;
  /** `17.0.15` */
  version: string;
  /** `17` (`1.8` → 8). */
  major: number;
}

const cache = new Map<string, Promise<LocalJava>>();

/** `java17` → 17; `java8.al2` → 8. */
export function declaredJavaMajor(runtime: string): number | undefined {
  const match = /^java(\d+)/.exec(runtime);
  return match ? Number(match[1]) : undefined;
}

function run(file: string, args: string[], timeoutMs = 120_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/** Asks a `java` for its version (`java -version` writes `openjdk version "17.0.15" …` to stderr). */
async function ask(candidate: string): Promise<LocalJava> {
  const { stderr } = await run(candidate, ['-version'], 20_000);
  const match = /version "([^"]+)"/.exec(stderr);
  if (!match) throw new Error(`${candidate} did not report a Java version`);
  const version = match[1];
  const parts = version.split(/[.+-]/).map(Number);
  const major = parts[0] === 1 ? parts[1] : parts[0];
  return { path: fs.realpathSync(candidate), version, major };
}

/** The `java` for functions: the configured one; else JAVA_HOME's; else `java` on PATH. */
export function resolveLocalJava(configured?: string): Promise<LocalJava> {
  const key = configured ?? '';
  let result = cache.get(key);
  if (!result) {
    result = (async () => {
      if (configured) {
        const file = path.resolve(configured);
        if (!fs.existsSync(file)) throw new Error(`The configured Java ${file} does not exist.`);
        return ask(file);
      }
      const home = process.env.JAVA_HOME;
      const fromHome = home ? path.join(home, 'bin', 'java') : undefined;
      if (fromHome && fs.existsSync(fromHome)) return ask(fromHome);
      const onPath = findOnPath('java');
      if (!onPath) throw new Error('No Java found for Java functions; install a JDK, set JAVA_HOME or lambdaWorkbench.javaPath.');
      return ask(onPath);
    })();
    result.catch(() => cache.delete(key));
    cache.set(key, result);
  }
  return result;
}

/** The directory of the runtime's own files: `src/` (its sources) and, once built, `runtime.jar`. */
export function javaRuntimeDir(): string {
  return path.resolve(path.dirname(bootstrapFile('java')), '..', '..', '..');
}

/** The sources' hash: the key of classes compiled on first use. */
function sourcesHash(sourceDir: string): { files: string[]; hash: string } {
  const files = fs
    .readdirSync(sourceDir)
    .filter((f) => f.endsWith('.java'))
    .sort();
  const hash = createHash('sha256');
  for (const f of files) {
    hash
      .update(f)
      .update('\0')
      .update(fs.readFileSync(path.join(sourceDir, f)))
      .update('\0');
  }
  return { files: files.map((f) => path.join(sourceDir, f)), hash: hash.digest('hex').slice(0, 16) };
}

const compiled = new Map<string, Promise<string>>();

/**
 * The runtime's classes compiled with `javac` (the JDK's beside `java`, else on PATH) into
 * `<cacheRoot>/<hash>`, once per source hash; concurrent callers and later runs share them.
 */
export function compileJavaRuntime(cacheRoot: string, javaPath: string, runtimeDir = javaRuntimeDir()): Promise<string> {
  const sourceDir = path.join(runtimeDir, 'src', 'lambdaworkbench', 'runtime');
  const { files, hash } = sourcesHash(sourceDir);
  const target = path.join(cacheRoot, hash);
  let result = compiled.get(target);
  if (!result) {
    result = (async () => {
      if (fs.existsSync(path.join(target, 'lambdaworkbench', 'runtime', 'Main.class'))) return target;
      const besideJava = path.join(path.dirname(javaPath), 'javac');
      const javac = fs.existsSync(besideJava) ? besideJava : findOnPath('javac');
      if (!javac) {
        throw new Error(`The Java runtime needs compiling once and no javac was found beside ${javaPath} or on PATH; install a JDK (not only a JRE).`);
      }
      fs.mkdirSync(cacheRoot, { recursive: true });
      const staging = fs.mkdtempSync(path.join(cacheRoot, `.${hash}-`));
      try {
        await run(javac, ['--release', '11', '-nowarn', '-d', staging, ...files]);
        fs.renameSync(staging, target);
      } catch (e) {
        fs.rmSync(staging, { recursive: true, force: true });
        // Another process may have compiled the same sources meanwhile.
        if (fs.existsSync(path.join(target, 'lambdaworkbench', 'runtime', 'Main.class'))) return target;
        const detail = (e as { stderr?: string }).stderr || (e as Error).message;
        throw new Error(`Compiling the Java runtime with ${javac} failed: ${detail.trim()}`);
      }
      return target;
    })();
    result.catch(() => compiled.delete(target));
    compiled.set(target, result);
  }
  return result;
}

/**
 * Lambda's JVM limits for a memory size, as its Java runtimes start the JVM: 85% of MemorySize for
 * the heap, 10% for metaspace, 5% for the code cache, in KiB; the serial collector.
 */
export function jvmMemoryOptions(memorySizeMb: number): string[] {
  const kib = memorySizeMb * 1024;
  return [
    `-XX:MaxHeapSize=${Math.floor(kib * 0.85)}k`,
    `-XX:MaxMetaspaceSize=${Math.floor(kib * 0.1)}k`,
    `-XX:ReservedCodeCacheSize=${Math.floor(kib * 0.05)}k`,
    '-XX:+UseSerialGC',
  ];
}

/**
 * Debug mode: the JVM serves JDWP on a loopback port of its choosing and holds every thread before
 * `main` (suspend=y) until a debugger attaches and resumes it, so breakpoints in the handler class's
 * static initialisers (INIT) bind. It announces the port on stdout (`Listening for transport
 * dt_socket at address: <port>`), which the environment reads as the debugger's address. No
 * stopOnInit: a Java debugger's breakpoints are set before the VM is resumed.
 */
export const JDWP_AGENT = '-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0';

export class JavaRuntime implements RuntimeAdapter {
  private readonly warned = new Set<string>();

  constructor(
    private readonly javaPath: string | undefined,
    private readonly warn: (message: string) => void,
    /** Where the runtime's classes are compiled when no runtime.jar was built. */
    private readonly compileCache: string,
    /** Per-function class-data sharing archives (none: CDS off). */
    private readonly classDataSharing?: JavaClassDataSharing,
  ) {}

  /** runtime.jar when the build made one, else classes compiled with the user's javac. */
  private classPath(java: LocalJava): Promise<string> {
    const jar = path.join(javaRuntimeDir(), 'runtime.jar');
    if (fs.existsSync(jar)) return Promise.resolve(jar);
    return compileJavaRuntime(this.compileCache, java.path);
  }

  /** Resolves java and compiles the runtime's classes (when no runtime.jar was built) ahead of the first cold start. */
  warm(): void {
    resolveLocalJava(this.javaPath)
      .then((java) => this.classPath(java))
      .catch(() => undefined);
  }

  async launch(fn: FunctionDefinition, options: LaunchOptions): Promise<RuntimeLaunch> {
    const java = await resolveLocalJava(this.javaPath);
    const declared = declaredJavaMajor(fn.runtime);
    if (declared !== undefined && declared !== java.major && !this.warned.has(fn.runtime)) {
      this.warned.add(fn.runtime);
      this.warn(`${fn.runtime} functions run on the local Java ${java.version} (${java.path}); behaviour of Java ${declared} may differ.`);
    }
    const classPath = await this.classPath(java);
    // The function's class-data sharing archive, or its creation at exit; never under a debugger.
    const cds = options.debug
      ? []
      : (this.classDataSharing?.decide({
          java,
          classPath,
          jvmOptions: jvmMemoryOptions(fn.memorySize),
          functionName: fn.functionName,
          codeUri: fn.codeUri,
          optDir: options.optDir,
        }).options ?? []);
    const args = [
      ...(options.debug ? [JDWP_AGENT] : []),
      ...jvmMemoryOptions(fn.memorySize),
      '-Xshare:auto',
      ...cds,
      // As Lambda's java17 and later runtimes: C1 only, for start-up.
      ...(java.major >= 17 ? ['-XX:+TieredCompilation', '-XX:TieredStopAtLevel=1'] : []),
      '-Djava.net.preferIPv4Stack=true',
      `-Dlambdaworkbench.taskRoot=${fn.codeUri}`,
      ...(options.optDir ? [`-Dlambdaworkbench.opt=${options.optDir}`] : []),
      '-cp',
      classPath,
      'lambdaworkbench.runtime.Main',
    ];
    return {
      command: java.path,
      args,
      runtimeDir: javaRuntimeDir(),
      env: { AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}` },
      runtimeVersion: `java:${declared ?? java.major}.local-v${java.version}`,
      runtimeVersionArn: `local:java:${java.path}`,
    };
  }
}
