// The README examples the packed install test runs: ```ts / ```js blocks marked, on the line before the
// fence, with `<!-- readme-check: run (name) -->`. The name picks the check in readme-example-checks.ts.
// It is the readme-check marker family of readme-examples.test.ts (which type-checks every block and
// skips those marked `readme-check: skip (why)`), read with the same block reader.
import assert from 'node:assert/strict';
import { fencedBlocks } from '../test/readme-blocks.ts';

const LANGUAGES = /^(ts|typescript|js|javascript)$/;
const RUN_MARKER = /^readme-check:\s*run\s*\((.+)\)$/;

export interface RunnableBlock {
  /** README line of the block's first line of code. */
  line: number;
  typescript: boolean;
  code: string;
}

/** The runnable examples of a README, by name; a name used twice is an error. */
export function runnableBlocks(markdown: string): Map<string, RunnableBlock> {
  const byName = new Map<string, RunnableBlock>();
  for (const { language, line, code, marker } of fencedBlocks(markdown)) {
    const name = RUN_MARKER.exec(marker ?? '')?.[1];
    if (name === undefined) continue;
    assert.ok(LANGUAGES.test(language), `line ${line}: a runnable example is a ts or js block, not ${language}`);
    assert.ok(!byName.has(name), `two examples are named ${name}`);
    byName.set(name, { line, typescript: language.startsWith('t'), code });
  }
  return byName;
}
