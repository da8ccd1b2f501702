import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findOnPath } from '../../../src/core/util/executables';

// The JDK's tools and the Java fixtures the Java tests compile: handlers are built with javac against
// test-only copies of aws-lambda-java-core's interfaces (test/fixtures/java/core), as a user's build
// compiles against the real jar.

export const JAVAC = findOnPath('javac');
export const JAR = findOnPath('jar');
export const JAVA_FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'java');

/** Every `.java` file below `dir`. */
export function javaFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.java'))
    .map((f) => path.join(dir, f));
}

/** `javac --release 11 [options] -d into sources…` */
export function compileJava(into: string, sources: string[], options: string[] = []): void {
  execFileSync(JAVAC!, ['--release', '11', ...options, '-d', into, ...sources]);
}

/** `jar --create --file jarFile -C dir entry…` (every entry of dir by default). */
export function createJar(jarFile: string, dir: string, entries: string[] = ['.']): void {
  fs.mkdirSync(path.dirname(jarFile), { recursive: true });
  execFileSync(JAR!, ['--create', '--file', jarFile, ...entries.flatMap((entry) => ['-C', dir, entry])]);
}

/** The test-only aws-lambda-java-core compiled into `classesDir` and packaged as `jarFile`. */
export function buildCoreJar(classesDir: string, jarFile: string): void {
  compileJava(classesDir, javaFiles(path.join(JAVA_FIXTURES, 'core')));
  createJar(jarFile, classesDir);
}
