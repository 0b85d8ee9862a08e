import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../common/src/settings';
import { createGoFrontEnd } from '../../../server/src/analysis/go/goFrontEnd';
import type { LanguageFrontEnd } from '../../../server/src/analysis/types';
import { FIXTURES, loadInto } from '../treeSitterSupport';

const ROOT = join(FIXTURES, 'go');
const SVC = join(ROOT, 'svc');
const names = (frontEnd: LanguageFrontEnd, file: string) => frontEnd.sitesOf(file).sites.map((s) => s.name?.value);

describe('Go span sites: OpenTelemetry receivers only', () => {
  let frontEnd: LanguageFrontEnd;

  before(async () => {
    frontEnd = await createGoFrontEnd(DEFAULT_SETTINGS.analysis);
    loadInto(frontEnd, ROOT);
  });

  it('finds Start on every OTel tracer shape, under any import alias, on a struct field typed in another file and on a struct embedding the tracer', () => {
    assert.deepEqual(names(frontEnd, join(SVC, 'receivers', 'receivers.go')), [
      'recv.field', 'recv.global', 'recv.provider', 'recv.from_span', 'recv.sdk', 'recv.provider_param', 'recv.alias', 'recv.noop',
      'recv.embedded', 'recv.embedded_field',
    ]);
  });

  it('gives no site for OpenTracing, Datadog, Sentry or a package\'s own tracer type', () => {
    assert.deepEqual(frontEnd.sitesOf(join(SVC, 'lookalike', 'lookalike.go')), { sites: [], problems: [] });
  });

  it('gives no site for Start on a project struct or another SDK\'s value, even when named like a tracer in an OTel file', () => {
    const text = [
      'package jobs',
      'import (',
      '\t"context"',
      '\topentracing "github.com/opentracing/opentracing-go"',
      '\t"go.opentelemetry.io/otel"',
      ')',
      'type tracerPool struct{}',
      'func (p *tracerPool) Start(ctx context.Context, name string) {}',
      'type Runner struct {',
      '\tpool   *tracerPool',
      '\ttracer opentracing.Tracer',
      '}',
      'func (r *Runner) Run(ctx context.Context, jobTracer *tracerPool) {',
      '\tjobTracer.Start(ctx, "jobs.run")',
      '\tr.pool.Start(ctx, "jobs.pool")',
      '\tlegacyTracer := opentracing.GlobalTracer()',
      '\tlegacyTracer.Start(ctx, "jobs.legacy")',
      '\t_, span := otel.Tracer("jobs").Start(ctx, "jobs.otel")',
      '\tdefer span.End()',
      '}',
    ].join('\n');
    const file = join(SVC, 'jobs', 'runner.go');
    frontEnd.updateFile(file, text);
    assert.deepEqual(names(frontEnd, file), ['jobs.otel']);
    frontEnd.removeFile(file);
  });

  it('counts a receiver it cannot resolve only when named like a tracer in a file that imports OpenTelemetry', () => {
    const file = join(SVC, 'jobs', 'unresolved.go');
    const body = 'func Work(ctx context.Context) {\n\t_, span := app.Tracer.Start(ctx, "jobs.work")\n\tdefer span.End()\n\tapp.Worker.Start(ctx, "jobs.worker")\n}\n';
    frontEnd.updateFile(file, `package jobs\nimport (\n\t"context"\n\t"example.com/shop/app"\n\t"go.opentelemetry.io/otel/attribute"\n)\nvar _ = attribute.Key("x")\n${body}`);
    assert.deepEqual(names(frontEnd, file), ['jobs.work']);
    frontEnd.updateFile(file, `package jobs\nimport (\n\t"context"\n\t"example.com/shop/app"\n)\n${body}`);
    assert.deepEqual(names(frontEnd, file), [], 'no OpenTelemetry import: a custom tracer');
    frontEnd.removeFile(file);
  });
});
