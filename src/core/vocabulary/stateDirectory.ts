import * as path from 'node:path';

// The engine's state directory — `.lambda-workbench` next to the template unless the settings name
// another — and what lives in it. Every reader and writer of the state takes its paths from here, so
// a CLI, a running `serve`, the extension and the debug adapter agree on them.

export const STATE_DIR_NAME = '.lambda-workbench';

/** The state directory of a template: `stateDir` (relative to the template's folder) or `.lambda-workbench` beside it. */
export function stateDirOf(templateFile: string, stateDir?: string): string {
  return path.resolve(path.dirname(templateFile), stateDir ?? STATE_DIR_NAME);
}

/** The paths inside a state directory. */
export function stateLayout(stateDir: string) {
  return {
    /** The engine's LevelDB (asynchronous invocation, embedded queues and streams). */
    store: path.join(stateDir, 'store'),
    /** Per function version, its layers merged into an `/opt` equivalent. */
    opt: path.join(stateDir, 'opt'),
    /** Event source mappings created or changed through the API. */
    esm: path.join(stateDir, 'esm'),
    /** Published versions, aliases and API-set settings, per function. */
    functions: path.join(stateDir, 'functions'),
    /** Content-addressed blobs of version snapshots. */
    blobs: path.join(stateDir, 'blobs'),
    /** Build artefacts and caches, per function (`build/<LogicalId>/artefact`, `cache`, `stamp.json`). */
    build: path.join(stateDir, 'build'),
    /** Java functions' class-data sharing archives, per function (`java-cds/<FunctionName>/<key>-<bytes>.jsa`). */
    javaCds: path.join(stateDir, 'java-cds'),
    /** The running `serve`'s address and debug token (mode 0600). */
    serveFile: path.join(stateDir, 'serve.json'),
  };
}
