// The bundled CLI must load the tree-sitter WASM grammars from dist/ (regression: the ESM build of
// web-tree-sitter once failed inside the cjs bundle and Python/Go were silently skipped).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ScanResult } from '../../common/src/sites';

const CLI = resolve(__dirname, '../../dist/cli.js');

describe('otel-flow-map scan on Python and Go (dist/cli.js)', () => {
  it('finds span sites and findings in .py and .go files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofm-cli-lang-'));
    try {
      writeFileSync(join(dir, 'app.py'), 'from opentelemetry import trace\ntracer = trace.get_tracer("shop")\nwith tracer.start_as_current_span("handler"):\n    pass\n');
      writeFileSync(join(dir, 'main.go'), 'package main\n\nimport "go.opentelemetry.io/otel"\n\nfunc Charge(ctx context.Context) {\n\t_, span := otel.Tracer("pay").Start(ctx, "payments.charge")\n\tspan.AddEvent("charged")\n}\n');
      const r = spawnSync(process.execPath, [CLI, 'scan', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
      assert.doesNotMatch(r.stderr, /unavailable/i);
      const out = JSON.parse(r.stdout) as ScanResult;
      assert.deepEqual(out.spans.map((s) => [s.file, s.language, s.name, s.line]).sort(), [
        ['app.py', 'python', 'handler', 3],
        ['main.go', 'go', 'payments.charge', 6],
      ]);
      const rules = out.findings.map((f) => `${f.file}:${f.rule}`).sort();
      assert.deepEqual(rules, ['app.py:generic-name', 'main.go:span-not-ended']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
