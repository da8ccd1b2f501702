import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh temporary directory for each test of the enclosing describe (handed to `use`), removed after it. */
export function tempDirEach(prefix: string, use: (dir: string) => void): void {
  let dir: string;
  beforeEach(() => use((dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix)))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
}
