import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createPythonFrontEnd } from '../../../server/src/analysis/python/pythonFrontEnd';
import type { LanguageFrontEnd } from '../../../server/src/analysis/types';
import { FIXTURES, loadInto } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'python', 'receivers');

/** 0-based lines marked `# otel` in a fixture: exactly where OpenTelemetry spans start. */
function otelLines(file: string): number[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (/#\s*otel\s*$/.test(line) ? [i] : []));
}

describe('Python span sites: OpenTelemetry tracers only', () => {
  let frontEnd: LanguageFrontEnd;
  const siteLines = (name: string) => {
    const result = frontEnd.sitesOf(join(ROOT, name));
    assert.deepEqual(result.problems, []);
    return result.sites.map((s) => s.range.start.line);
  };

  before(async () => {
    frontEnd = await createPythonFrontEnd(DEFAULT_SETTINGS.analysis);
    loadInto(frontEnd, ROOT);
  });

  it('finds no site in code using only the Sentry SDK (start_span, start_transaction, start_child, Hub)', () => {
    assert.deepEqual(siteLines('sentry_tasks.py'), []);
  });

  it('finds no site in Datadog code (`from ddtrace import tracer`, Pin tracers)', () => {
    assert.deepEqual(siteLines('datadog_app.py'), []);
  });

  it('takes a typed attribute or parameter of a project class (also declared in a base class) for that class, not a tracer', () => {
    assert.deepEqual(siteLines('typed_helpers.py'), otelLines(join(ROOT, 'typed_helpers.py')));
  });

  it('tells Sentry spans from OpenTelemetry ones in a module importing both', () => {
    const file = join(ROOT, 'sentry_with_otel.py');
    assert.deepEqual(siteLines('sentry_with_otel.py'), otelLines(file));
    assert.equal(frontEnd.sitesOf(file).sites[0].name?.value, 'checkout.price');
  });

  it('ignores a project class with its own start_span, even next to an OpenTelemetry tracer', () => {
    assert.deepEqual(siteLines('custom_tracer.py'), otelLines(join(ROOT, 'custom_tracer.py')));
  });

  it('follows instrumentation shapes: Tracer-annotated parameters, self._tracer from get_tracer, get_tracer_provider(), TracerProvider', () => {
    const file = join(ROOT, 'instrumentation.py');
    assert.equal(otelLines(file).length, 5);
    assert.deepEqual(siteLines('instrumentation.py'), otelLines(file));
    const self = frontEnd.sitesOf(file).sites.find((s) => s.name?.value === 'shop.sdk');
    assert.equal(self?.scope, 'shop.sdk');
  });

  it('resolves a tracer imported from a workspace module without importing OpenTelemetry, and skips unknown receivers there', () => {
    assert.deepEqual(siteLines(join('app', 'handlers.py')), otelLines(join(ROOT, 'app', 'handlers.py')));
    assert.equal(frontEnd.sitesOf(join(ROOT, 'app', 'handlers.py')).sites[0].scope, 'shop.app');
  });

  it('resolves a tracer imported inside a function or through a package importing it under TYPE_CHECKING', () => {
    assert.deepEqual(siteLines(join('app', 'deferred.py')), otelLines(join(ROOT, 'app', 'deferred.py')));
  });

  it('counts an untyped tracer only in a file importing OpenTelemetry', () => {
    const file = join(ROOT, 'scratch.py');
    const body = 'def run(tracer):\n    with tracer.start_as_current_span("jobs.run"):\n        pass\n';
    frontEnd.updateFile(file, body);
    assert.equal(frontEnd.sitesOf(file).sites.length, 0);
    frontEnd.updateFile(file, `from opentelemetry import trace\n\n${body}`);
    assert.equal(frontEnd.sitesOf(file).sites.length, 1);
    frontEnd.updateFile(file, `import ddtrace\nfrom opentelemetry import trace\n\ndef run():\n    tracer = ddtrace.tracer\n    tracer.start_span("jobs.run")\n`);
    assert.equal(frontEnd.sitesOf(file).sites.length, 0, 'a local holding the Datadog tracer is not OpenTelemetry');
    frontEnd.removeFile(file);
  });
});
