import * as fs from 'node:fs';
import * as path from 'node:path';
import { DETAIL_LINES, type ToolResult } from './builderSupport';
import { BuildError } from './types';

// What the Java builders (Maven, Gradle) share: which one builds a function, as sam build chooses
// (samcli workflow_config.py: a java runtime's ManifestWorkflowSelector tries build.gradle, then
// build.gradle.kts, then pom.xml), and a failed run said in the tool's own words.

export type JavaBuildTool = 'maven' | 'gradle';

/** The manifests sam build looks for, in its order, and the tool each one means. */
const MANIFESTS: readonly [string, JavaBuildTool][] = [
  ['build.gradle', 'gradle'],
  ['build.gradle.kts', 'gradle'],
  ['pom.xml', 'maven'],
];

/**
 * The tool that builds a Java function from `codeDir`, by its manifest; undefined without one (the
 * function runs from its classes and lib/*.jar as they are). sam build also looks in the project's
 * directory; here only the CodeUri counts, so a repository's root build does not claim every function.
 */
export function javaBuildToolFor(codeDir: string): JavaBuildTool | undefined {
  return MANIFESTS.find(([manifest]) => isFile(path.join(codeDir, manifest)))?.[1];
}

/** The manifests, for messages: "build.gradle, build.gradle.kts or pom.xml". */
export const JAVA_MANIFESTS = 'build.gradle, build.gradle.kts or pom.xml';

/**
 * A Maven or Gradle run that failed: the tool's error lines (Maven's `[ERROR]` lines, Gradle's
 * "What went wrong"), colour codes removed, as details; the message says when a download failed.
 */
export function javaToolFailure(step: string, result: ToolResult): BuildError {
  const lines = result.lastLines.map(plain);
  const errors = lines.filter((line) => /^\[ERROR\]\s*\S/.test(line));
  const details = (errors.length > 0 ? errors : lines).slice(-DETAIL_LINES);
  const text = lines.join('\n');
  const download =
    /Could not (?:transfer|resolve|GET|HEAD|download)|Unknown host|UnknownHostException|could not be resolved|Network is unreachable|Connection refused|Connect timed out/i.test(
      text,
    );
  const why = download ? ': a plugin or dependency could not be downloaded (is Maven Central, or the repository you use, reachable?)' : '.';
  return new BuildError(`${step} failed${why}`, details);
}

/** A line without terminal colour codes (Maven 3.8 colours its output even into a pipe). */
function plain(line: string): string {
  // eslint-disable-next-line no-control-regex -- the escape character is what is removed
  return line.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

function isFile(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}
