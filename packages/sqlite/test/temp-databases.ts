// Database files for the tests: each in a folder of its own under the system's temporary folder, all
// removed when the test file ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

const folders: string[] = [];

after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A new folder, removed after the tests of the file that asked for it. */
export function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tidings-sqlite-'));
  folders.push(folder);
  return folder;
}

/** The path of a database file that does not exist yet, in a new folder. */
export function tempDatabase(): string {
  return join(tempFolder(), 'events.db');
}
