import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractArchive, type ExtractOptions } from './archiveExtraction';
import type { BuildOutcome, BuildRequest, Builder } from './types';

// A CodeUri (or layer ContentUri) that is a .zip or .jar deployment package, run as Lambda runs it:
// extracted, as to /var/task (or /opt), into the function's artefact — what `sam local` does with a
// temporary directory. Nothing is built: sam build skips a pre-packaged archive. The engine
// re-extracts when the archive's content changes (its fingerprint is the archive's bytes).

/** The builder's name in progress lines, errors and the engine's table of builders. */
export const ARCHIVE_BUILDER = 'archive';

export class ArchiveBuilder implements Builder {
  readonly name = ARCHIVE_BUILDER;

  constructor(private readonly options: ExtractOptions = {}) {}

  async build(request: BuildRequest): Promise<BuildOutcome> {
    const { sourceDir: archive, artefactDir } = request;
    // Extracted aside, then put in place: a failed extraction leaves no half-written code directory.
    const staging = path.join(request.cacheDir, 'extracting');
    await fs.promises.rm(staging, { recursive: true, force: true });
    request.log(`extract ${path.basename(archive)}`);
    try {
      const { files, bytes } = await extractArchive(archive, staging, this.options);
      await fs.promises.rm(artefactDir, { recursive: true, force: true });
      await fs.promises.rename(staging, artefactDir);
      request.log(`${files} files, ${Math.round((bytes / 1024) * 10) / 10} KiB`);
      return {};
    } finally {
      await fs.promises.rm(staging, { recursive: true, force: true });
    }
  }
}
