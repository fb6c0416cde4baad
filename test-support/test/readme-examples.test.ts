// Every ```ts / ```js block of packages/*/README.md and examples/*/README.md type-checks against the real
// packages (their TypeScript sources, through the `tidings-source` export condition, so no build is needed),
// and the protocol README's blocks also run. A user copies these blocks: one that no longer compiles is a
// broken promise. All blocks go into one TypeScript program, so the check costs one compiler start.
//
// A block that cannot be a complete program (an API summary, say) is skipped with a comment on the line
// before its fence: <!-- readme-check: skip (why) -->
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { fencedBlocks } from './readme-blocks.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FENCE = /^(ts|typescript|js|javascript)$/;
const SKIP_MARKER = /^readme-check:\s*skip\s*\((.+)\)$/;
// "... implicitly has an 'any' type" (noImplicitAny): no fault of a ```js block, which has nowhere to write a
// type; and in a .js file TypeScript does not type `source.onmessage = (event) => ...` from the setter (such an
// assignment declares a property there), so even the DOM's own EventSource would fail.
const IMPLICIT_ANY = new Set([7005, 7006, 7008, 7010, 7011, 7019, 7031, 7034]);
// These need no server: their only network call (`fetch`) is answered by a fake below.
const RUNNABLE_READMES = new Set(['packages/protocol/README.md']);

interface Block {
  /** README line of the block's first line of code. */
  line: number;
  typescript: boolean;
  code: string;
}

/** The checked code blocks of one README, with the line each starts on. */
function extractBlocks(markdown: string): Block[] {
  return fencedBlocks(markdown)
    .filter(({ language, marker }) => FENCE.test(language) && !SKIP_MARKER.test(marker ?? ''))
    .map(({ line, language, code }) => ({ line, typescript: language.startsWith('t'), code }));
}

const readmes = ['packages', 'examples'].flatMap(
  (dir) =>
    readdirSync(join(ROOT, dir), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${dir}/${entry.name}/README.md`)
      .filter((path) => existsSync(join(ROOT, path))), // examples/shared, for one, has none
);

// Inside the repository, so that `@tidings/*`, express, hono... resolve through its node_modules.
// .mts / .mjs make each block an ES module (top-level await) whatever package.json says, and keep the blocks
// out of tsconfig.test.json's `test-support/**/*.ts` should a run leave them behind.
const workDir = mkdtempSync(join(ROOT, 'test-support', '.readme-check-'));
const blockFiles = new Map<string, { file: string; block: Block }[]>();
const diagnostics = new Map<string, ts.Diagnostic[]>();

before(() => {
  for (const readme of readmes) {
    const blocks = extractBlocks(readFileSync(join(ROOT, readme), 'utf8'));
    const files = blocks.map((block) => ({
      file: join(workDir, dirname(readme), `line-${block.line}.${block.typescript ? 'mts' : 'mjs'}`),
      block,
    }));
    for (const { file, block } of files) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${block.code}\n`);
    }
    blockFiles.set(readme, files);
  }

  // The repository's compiler options, plus what a checker of loose snippets needs.
  const base = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(base.config, ts.sys, ROOT);
  const program = ts.createProgram({
    rootNames: [...blockFiles.values()].flat().map(({ file }) => file),
    options: {
      ...options,
      noEmit: true,
      composite: false,
      declaration: false,
      declarationMap: false,
      types: ['node'],
      customConditions: ['tidings-source'], // the sources, as the tests run them
      allowJs: true,
      checkJs: true, // the ```js blocks are checked too
      moduleDetection: ts.ModuleDetectionKind.Force, // a block without imports is a module of its own too
    },
  });
  const everyFile = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const { file } of [...blockFiles.values()].flat()) {
    const source = program.getSourceFile(file);
    assert.ok(source, `${file} is in the program`);
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    const javascript = file.endsWith('.mjs');
    diagnostics.set(file, [...everyFile, ...found.filter(({ code }) => !(javascript && IMPLICIT_ANY.has(code)))]);
  }
});

after(() => rmSync(workDir, { recursive: true, force: true }));

/** `README.md:LINE: message` for each compiler error of a block, counted in README lines. */
function compilerErrors(readme: string, block: Block, found: readonly ts.Diagnostic[]): string[] {
  return found.map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return `${readme}: ${message}`;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${readme}:${block.line + line}: TS${diagnostic.code} ${message}`;
  });
}

for (const readme of readmes) {
  test(readme, async (t) => {
    const files = blockFiles.get(readme) ?? [];
    if (readme.startsWith('packages/')) {
      // The project's rule: one working example per entry point of the package.
      const { name, exports } = JSON.parse(readFileSync(join(ROOT, dirname(readme), 'package.json'), 'utf8'));
      for (const subpath of Object.keys(exports)) {
        const specifier = `'${name}${subpath.slice(1)}'`;
        assert.ok(
          files.some(({ block }) => block.code.includes(specifier)),
          `${readme} has no checked example that uses ${specifier}`,
        );
      }
    }
    const errors = files.flatMap(({ file, block }) => compilerErrors(readme, block, diagnostics.get(file) ?? []));
    if (errors.length > 0) assert.fail(`README examples that do not compile:\n${errors.join('\n')}`);

    if (!RUNNABLE_READMES.has(readme)) return;
    t.mock.method(console, 'log', () => {});
    t.mock.method(console, 'warn', () => {});
    t.mock.method(globalThis, 'fetch', async () => {
      return new Response('data: hello\n\n', { headers: { 'content-type': 'text/event-stream' } });
    });
    for (const { file, block } of files) {
      await import(pathToFileURL(file).href).catch((error: unknown) => {
        assert.fail(`${readme}:${block.line}: the example throws: ${error}`);
      });
    }
  });
}
