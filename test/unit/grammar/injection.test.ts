// Snapshot tests of syntaxes/otel-flow-map.injection.json, tokenized with vscode-textmate and
// vscode-oniguruma (the engines VS Code uses) on top of the host grammars VS Code 1.100 ships
// (taken from the code-server install of `npm run setup:test`). Each snapshot lists the tokens
// that carry one of our scopes. Regenerate with UPDATE_SNAPSHOTS=1 after an intended change.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const require = createRequire(import.meta.url);
const OUR_SCOPE = 'otel-flow-map';
const fixtures = join('test', 'fixtures', 'grammar');
const snapshots = join('test', 'unit', 'grammar', 'snapshots');
const builtin = join(process.env.OTEL_FLOW_MAP_CACHE ?? join(homedir(), '.cache', 'otel-flow-map'), 'code-server-4.100.3', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions');

const HOST_GRAMMARS: Record<string, string> = {
  'source.ts': 'typescript-basics/syntaxes/TypeScript.tmLanguage.json',
  'source.js': 'javascript/syntaxes/JavaScript.tmLanguage.json',
  'source.python': 'python/syntaxes/MagicPython.tmLanguage.json',
  'source.go': 'go/syntaxes/go.tmLanguage.json',
};
const SAMPLES: [file: string, scope: string][] = [['sample.ts', 'source.ts'], ['sample.js', 'source.js'], ['sample.py', 'source.python'], ['sample.go', 'source.go']];

interface Grammar {
  scopeName: string;
  path: string;
  injectTo: string[];
}
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { grammars: Grammar[] } };
const ours = manifest.contributes.grammars.find((g) => g.scopeName === 'otel-flow-map.injection');

type Tokenized = { line: number; text: string; scopes: string[] }[];

/** Scopes of every character of every line: a comparable picture of a whole file's tokenization. */
async function charScopes(registry: textmate.Registry, file: string, scope: string): Promise<string[][]> {
  const grammar = await registry.loadGrammar(scope);
  assert.ok(grammar, `grammar ${scope}`);
  let state = textmate.INITIAL;
  return readFileSync(join(fixtures, file), 'utf8').split('\n').map((text) => {
    const result = grammar.tokenizeLine(text, state);
    state = result.ruleStack;
    const chars: string[] = [];
    for (const t of result.tokens) for (let i = t.startIndex; i < Math.min(t.endIndex, text.length); i++) chars[i] = t.scopes.join(' ');
    return chars;
  });
}

const onigReady = oniguruma.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);

/** A registry as VS Code builds it from the manifest; without the injection when `inject` is false. */
async function createRegistry(inject = true): Promise<textmate.Registry> {
  await onigReady;
  return new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: (scopeName) => {
      const path = scopeName === ours?.scopeName ? ours.path : HOST_GRAMMARS[scopeName] && join(builtin, HOST_GRAMMARS[scopeName]);
      return Promise.resolve(path ? textmate.parseRawGrammar(readFileSync(path, 'utf8'), path) : null);
    },
    // As VS Code does with the manifest's injectTo.
    getInjections: (scopeName) => (inject && ours?.injectTo.includes(scopeName) ? [ours.scopeName] : undefined),
  });
}

async function tokenize(registry: textmate.Registry, file: string, scope: string): Promise<Tokenized> {
  const grammar = await registry.loadGrammar(scope);
  assert.ok(grammar, `grammar ${scope}`);
  const out: Tokenized = [];
  let state = textmate.INITIAL;
  readFileSync(join(fixtures, file), 'utf8').split('\n').forEach((text, i) => {
    const result = grammar.tokenizeLine(text, state);
    for (const t of result.tokens) {
      if (t.scopes.some((s) => s.includes(OUR_SCOPE))) out.push({ line: i + 1, text: text.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) });
    }
    state = result.ruleStack;
  });
  return out;
}

function snapshotText(tokens: Tokenized): string {
  return tokens.map((t) => `${t.line}\t${JSON.stringify(t.text)}\t${t.scopes.join(' > ')}`).join('\n') + '\n';
}

const spanNames = (tokens: Tokenized) => tokens.filter((t) => t.scopes.some((s) => s.startsWith('entity.name.section.span-name'))).map((t) => t.text);
const flowKeys = (tokens: Tokenized) => tokens.filter((t) => t.scopes.some((s) => s.startsWith('support.type.property-name.flow-attribute'))).map((t) => t.text);

describe('injection grammar', function () {
  const tokens = new Map<string, Tokenized>();
  let registry: textmate.Registry;

  before(async function () {
    if (!existsSync(builtin)) {
      // The host grammars come with code-server; CI installs it before the tests.
      console.warn(`grammar tests skipped: ${builtin} not found (run npm run setup:test)`);
      this.skip();
    }
    registry = await createRegistry();
    for (const [file, scope] of SAMPLES) tokens.set(file, await tokenize(registry, file, scope));
  });

  it('is contributed for TS, TSX, JS, JSX, Python and Go', () => {
    assert.ok(ours, 'package.json contributes the injection grammar');
    assert.deepEqual([...ours.injectTo].sort(), ['source.go', 'source.js', 'source.js.jsx', 'source.python', 'source.ts', 'source.tsx']);
  });

  for (const [file] of SAMPLES) {
    it(`matches the snapshot of ${file}`, () => {
      const actual = snapshotText(tokens.get(file) ?? []);
      const path = join(snapshots, `${file}.snap`);
      if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(path)) writeFileSync(path, actual);
      assert.equal(actual, readFileSync(path, 'utf8'));
    });
  }

  it('marks constant span names, not dynamic ones or those in comments', () => {
    assert.deepEqual(spanNames(tokens.get('sample.ts') ?? []), ['checkout.place_order', 'handler']);
    assert.deepEqual(spanNames(tokens.get('sample.js') ?? []), ['billing.generate_invoice']);
    assert.deepEqual(spanNames(tokens.get('sample.py') ?? []), ['checkout.place_order', 'handler']);
    assert.deepEqual(spanNames(tokens.get('sample.go') ?? []), ['checkout.place_order', 'handler']);
  });

  it('marks exactly the flow attribute keys inside strings', () => {
    assert.deepEqual(flowKeys(tokens.get('sample.ts') ?? []), ['coordimap.flow.name', 'coordimap.flow.step', 'coordimap.flow.run_id', 'entity.type', 'entity.id', 'entity.id']);
    assert.deepEqual(flowKeys(tokens.get('sample.py') ?? []), ['coordimap.flow.name', 'coordimap.flow.step', 'entity.id', 'entity.type']);
    assert.deepEqual(flowKeys(tokens.get('sample.go') ?? []), ['coordimap.flow.name', 'entity.id']);
  });

  it('leaves the host tokenization of everything else unchanged', async () => {
    const plain = await createRegistry(false);
    for (const [file, scope] of SAMPLES) {
      const before = await charScopes(plain, file, scope);
      const after = await charScopes(registry, file, scope);
      before.forEach((line, l) =>
        line.forEach((scopes, c) => {
          if (!after[l][c].includes(OUR_SCOPE)) assert.equal(after[l][c], scopes, `${file}:${l + 1}:${c + 1}`);
        }),
      );
    }
  });

  it('keeps the host string scope around flow keys', () => {
    const key = (tokens.get('sample.ts') ?? []).find((t) => t.text === 'coordimap.flow.name');
    assert.ok(key?.scopes.some((s) => s.startsWith('string.quoted.single.ts')), JSON.stringify(key));
  });
});
