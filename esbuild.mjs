// One build for every bundle. `node esbuild.mjs [--production] [--watch]`.
//  client  : VS Code extension host (node/cjs, `vscode` external)
//  server  : language server (node/cjs)
//  worker  : telemetry worker_thread (node/cjs) — sockets, decoding and the span store live here
//  cli     : the `otel-flow-map` command (node/cjs): a small entry + cliCommands (scan, serve)
//  webview : the map (browser/iife, d3 bundled) — shared by the VS Code panel and `serve`
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.OTEL_FLOW_MAP_VERSION': JSON.stringify(pkg.version) },
};
// ESM-only dependencies (web-tree-sitter) read import.meta.url, which is empty in a cjs bundle.
const importMetaUrl = "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;";
const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
  banner: { js: importMetaUrl },
};

const builds = [
  { ...node, entryPoints: { client: 'client/src/extension.ts' }, external: ['vscode'] },
  { ...node, entryPoints: { server: 'server/src/server.ts', telemetryWorker: 'server/src/telemetry/worker.ts' } },
  { ...node, entryPoints: { cli: 'server/src/cli.ts' }, banner: { js: `#!/usr/bin/env node\n${importMetaUrl}` } },
  // The commands apart from the entry: `--version` / `--help` never parse them (server/src/cli.ts).
  { ...node, entryPoints: { cliCommands: 'server/src/cliCommands.ts' } },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: { webview: 'webview/src/main.ts' }, loader: { '.css': 'css' } },
].map((b) => ({ ...b, outdir: 'dist' }));

/** Non-JS assets the bundles load at run time. */
function copyAssets() {
  mkdirSync('dist', { recursive: true });
  const assets = [
    [require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm'],
    [join(dirname(require.resolve('tree-sitter-go/package.json')), 'tree-sitter-go.wasm'), 'dist/tree-sitter-go.wasm'],
    [join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm'],
  ];
  for (const [from, to] of assets) cpSync(from, to);
}

copyAssets();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] build started');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
