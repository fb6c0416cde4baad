// Every export of every installed package, imported by name from the fresh project by the Node under
// test: it must resolve inside the project's node_modules (not the repository) and load.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EXAMPLE_WAIT_MS } from './run-example.ts';

const run = promisify(execFile);

/** `@tidings/server`, `@tidings/server/node`, … for each subpath of the package's `exports`. */
export function exportSpecifiers(packageDir: string): string[] {
  const { name, exports } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  return Object.keys(exports).map((subpath) => `${name}${subpath.slice(1)}`);
}

// Runs in the project: for each specifier, where it resolves and which names it exports.
const SCRIPT = `
const result = {};
for (const specifier of JSON.parse(process.argv[2])) {
  const module = await import(specifier);
  result[specifier] = { url: import.meta.resolve(specifier), names: Object.keys(module) };
}
process.stdout.write(JSON.stringify(result));
`;

export async function loadExports(
  node: string,
  project: string,
  specifiers: string[],
): Promise<Record<string, { url: string; names: string[] }>> {
  const script = join(project, 'load-exports.mjs');
  writeFileSync(script, SCRIPT);
  const { stdout } = await run(node, [script, JSON.stringify(specifiers)], { cwd: project, timeout: EXAMPLE_WAIT_MS });
  return JSON.parse(stdout);
}
