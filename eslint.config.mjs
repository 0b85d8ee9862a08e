// Lint guards the dependency rules of ARCHITECTURE.md (which folder may import what) and, with
// typescript-eslint's type-checked rules, what only types can show: floating or misused promises,
// `any` leaking out of JSON and untyped APIs, assertions the types already make.
import tseslint from 'typescript-eslint';

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/fixtures/**', 'demo/**/node_modules/**', '**/*.mjs', '.test-runs/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: restrict(['vscode', 'node:*', 'd3', 'd3-*', 'ts-morph', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient*', '**/server/**', '**/client/**', '**/webview/**'],
      'common/ holds plain shared types: only vscode-languageserver-protocol types may be imported.'),
  },
  {
    files: ['server/src/analysis/**/*.ts', 'server/src/telemetry/**/*.ts', 'server/src/link/**/*.ts'],
    rules: restrict(['vscode', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient*', '**/lsp/*', '**/client/**', '**/webview/**', 'd3', 'd3-*'],
      'analysis/, telemetry/ and link/ return plain data: no LSP or VS Code types (only lsp/ and server.ts know LSP).'),
  },
  {
    files: ['server/src/analysis/**/*.ts'],
    rules: restrict(['vscode', 'vscode-languageserver', 'vscode-languageserver/*', '**/telemetry/*', '**/lsp/*', '**/link/*', '**/client/**', '**/webview/**', 'd3', '@grpc/*', 'protobufjs'],
      'analysis/ depends only on parsers and common/.'),
  },
  {
    files: ['server/src/telemetry/**/*.ts'],
    rules: restrict(['vscode', 'vscode-languageserver', 'vscode-languageserver/*', '**/analysis/*', '**/lsp/*', '**/link/*', '**/client/**', '**/webview/**', 'ts-morph', 'd3'],
      'telemetry/ depends only on node, OTLP libraries and common/.'),
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['server/src/cli.ts', 'server/src/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/src/cli.ts', 'server/src/cli/**/*.ts', 'server/src/analysis/**', 'server/src/telemetry/**', 'server/src/link/**'],
    rules: restrict(['vscode', 'vscode-languageclient*', '**/client/**', '**/webview/**', 'd3'], 'The server never imports vscode, the client or the webview.'),
  },
  {
    files: ['server/src/cli.ts', 'server/src/cli/**/*.ts'],
    rules: restrict(['vscode', 'vscode-languageclient*', 'vscode-languageserver', 'vscode-languageserver/*', '**/lsp/*', '**/client/**'], 'The CLI uses analysis, telemetry and link, never LSP or VS Code.'),
  },
  {
    files: ['client/**/*.ts'],
    rules: restrict(['ts-morph', 'd3', 'd3-*', '**/server/src/**', '**/webview/**', 'web-tree-sitter', '@grpc/*'], 'client/ is glue: vscode, vscode-languageclient and common/ only.'),
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrict(['vscode', 'node:*', 'vscode-languageserver*', 'vscode-languageclient*', '**/client/**', '**/server/**', 'ts-morph'], 'webview/ runs in a browser: d3 and common/ only.'),
  },
);
