// A service instrumented the way the OpenTelemetry JS docs set up all three signals: NodeSDK
// configured only from the environment (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL,
// OTEL_SERVICE_NAME, OTEL_*_EXPORTER). It sends one trace (HTTP server, DB and messaging spans),
// a counter and a log record, then shuts down. Export errors reach stderr via the diag logger.
import { diag, DiagConsoleLogger, DiagLogLevel, metrics, SpanKind, SpanStatusCode, trace, context } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';

diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
const sdk = new NodeSDK();
sdk.start();

const tracer = trace.getTracer('js-client');
const server = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/orders' } });
const ctx = trace.setSpan(context.active(), server);
tracer.startSpan('SELECT shop.orders', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': 'SELECT', 'server.address': 'pg.local' } }, ctx).end();
tracer.startSpan('orders publish', { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'send' } }, ctx).end();
const call = tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'server.address': 'payments.example.com', 'url.full': 'https://payments.example.com/charge' } }, ctx);
call.setStatus({ code: SpanStatusCode.ERROR });
call.end();
context.with(ctx, () => logs.getLogger('js-client').emit({ body: 'order listed', severityText: 'INFO' }));
server.end();
metrics.getMeter('js-client').createCounter('orders_listed').add(1);
await sdk.shutdown();
