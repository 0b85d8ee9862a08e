// Loading the tree-sitter grammars (WASM) for the Python and Go front-ends, and the cheap text
// check that spares most files a parse. The rest of their shared machinery: sourceStore.ts
// (texts and incremental re-parses), treeNodes.ts (searching trees), staticValues.ts (the small
// static-value language names and attribute values are translated into before resolving them).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

export type GrammarName = 'python' | 'go';

let runtimeReady: Promise<void> | undefined;
const grammars = new Map<GrammarName, Promise<Language>>();

/**
 * Finds a bundled asset: next to the bundle (dist/, where esbuild.mjs copies the .wasm files),
 * else in node_modules when running from source (tests and benchmarks through tsx).
 */
function wasmPath(fileName: string, installedModule: string): string {
  const bundled = join(__dirname, fileName);
  if (existsSync(bundled)) return bundled;
  // Resolved at run time (not by the bundler): only reached when running from source.
  let dir = dirname(createRequire(__filename).resolve(installedModule));
  while (!existsSync(join(dir, fileName)) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, fileName);
}

/** Creates a parser for a grammar; the WASM runtime and each grammar load once per process. */
export async function createParser(name: GrammarName): Promise<Parser> {
  runtimeReady ??= Parser.init({
    locateFile: () => wasmPath('web-tree-sitter.wasm', 'web-tree-sitter'),
  });
  await runtimeReady;
  let grammar = grammars.get(name);
  if (!grammar) {
    const fileName = `tree-sitter-${name}.wasm`;
    grammar = Language.load(wasmPath(fileName, `tree-sitter-${name}`));
    grammars.set(name, grammar);
  }
  const parser = new Parser();
  parser.setLanguage(await grammar);
  return parser;
}

/** Whether the text may contain a span site: a cheap check that lets most files skip parsing. */
export function mayContainCall(text: string, callNames: readonly string[]): boolean {
  return callNames.some((name) => text.includes(name));
}

/** The last segment of each configured wrapper (`tracing.StartSpan` -> `StartSpan`), for the prefilter. */
export function wrapperCallNames(wrapperFunctions: readonly string[]): string[] {
  return wrapperFunctions.map((w) => `${w.slice(w.lastIndexOf('.') + 1)}(`).filter((w) => w.length > 1);
}
