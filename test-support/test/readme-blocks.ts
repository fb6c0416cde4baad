// The fenced code blocks of a Markdown file, with the marker comment written just before each, shared by
// readme-examples.test.ts (```ts / ```js blocks) and readme-shell.test.ts (```sh blocks). A marker is an
// HTML comment on its own line, `<!-- readme-NAME: WORDS -->`, with nothing but blank lines between it and
// the fence it applies to; it holds for that fence only.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface FencedBlock {
  /** The fence's language, lower case ('' for a plain ``` block). */
  language: string;
  /** File line (1-based) of the block's first line of code. */
  line: number;
  code: string;
  /** The marker comment's text before the fence (`readme-shell: run`), or null. */
  marker: string | null;
}

const FENCE = /^```([A-Za-z0-9_-]*)\s*$/;
const MARKER = /^<!--\s*(readme-[a-z]+:.*?)\s*-->$/;

/** Every fenced block of `markdown`, in order. Throws for a fence that is never closed. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  let marker: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const fence = FENCE.exec(line);
    if (fence === null) {
      if (line !== '') marker = MARKER.exec(line)?.[1] ?? null;
      continue;
    }
    const end = lines.findIndex((next, j) => j > i && next.trim() === '```');
    if (end === -1) throw new Error(`the block at line ${i + 1} has no closing fence`);
    blocks.push({
      language: fence[1]!.toLowerCase(),
      line: i + 2,
      code: lines.slice(i + 1, end).join('\n'),
      marker,
    });
    marker = null;
    i = end;
  }
  return blocks;
}

/** The inline code spans (`…`) of `markdown` outside fenced blocks, with their line. */
export function inlineCode(markdown: string): { line: number; code: string }[] {
  const spans: { line: number; code: string }[] = [];
  let inFence = false;
  markdown.split('\n').forEach((text, index) => {
    if (FENCE.test(text.trim())) {
      inFence = !inFence;
      return;
    }
    if (inFence) return;
    for (const match of text.matchAll(/`([^`]+)`/g)) spans.push({ line: index + 1, code: match[1]! });
  });
  return spans;
}

const NOT_SOURCES = new Set(['node_modules', 'dist', '.git', '.tmp', 'coverage']);

/** Every README.md under `root` (relative paths, sorted), outside dependencies, builds and scratch folders. */
export function findReadmes(root: string, dir = root): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_SOURCES.has(entry.name) || entry.name.startsWith('.readme-check-') || entry.name.startsWith('_')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findReadmes(root, path));
    else if (entry.name === 'README.md') found.push(relative(root, path));
  }
  return found.sort();
}
