// Demo-like traces for the trace view tests and screenshots that need shapes no test service
// sends (a deep checkout with a declined card, its stack trace and logs, and the consumer trace
// that links to its publish span). Tests of real behaviour use `serve` with SDK spans instead.
import type { TraceDetail, TraceSpan, TraceSummary } from '../../../common/src/traces';

export const CHECKOUT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
export const NOTIFY_TRACE = '7a1c0e5b9d2f4e8c8b6a4d3c2e1f0a9b';
export const PUBLISH_SPAN = 'a1b2c3d4e5f60718';
export const CHARGE_SPAN = 'c0ffee0000000007';
/** Forty-five seconds before the test run: the list says "45s ago" as a live one would. */
export const T0 = Date.now() - 45_000;

let next = 1;
function span(service: string, name: string, parent: string | undefined, start: number, duration: number, extra: Partial<TraceSpan> = {}): TraceSpan {
  const spanId = extra.spanId ?? `00000000000000${(next++).toString(16).padStart(2, '0')}`;
  return { spanId, parentSpanId: parent, name, service, kind: 'internal', startMs: T0 + start, durationMs: duration, status: 'unset', attributes: {}, events: [], links: [], ...extra };
}

const code = (file: string, line: number) => ({ code: { file, line, column: 5, source: 'static' as const } });

const STACK = [
  'CardDeclinedError: card_declined: insufficient funds',
  '    at chargeCard (/home/dev/shop/demo/services/payments.mjs:41:13)',
  '    at async Server.<anonymous> (/home/dev/shop/demo/services/payments.mjs:63:7)',
  '    at async withSpan (/home/dev/shop/demo/services/otel.mjs:22:12)',
].join('\n');

/** web → checkout → (validate, process: postgres, payments → stripe (declined), inventory → redis/postgres, kafka). */
export function checkoutTrace(): TraceDetail {
  next = 1;
  const root = span('web', 'POST /api/checkout', undefined, 0, 412, { kind: 'server', status: 'error', attributes: { 'http.request.method': 'POST', 'http.route': '/api/checkout', 'http.response.status_code': 502, 'url.path': '/api/checkout', 'client.address': '10.0.3.17' }, ...code('demo/services/web.mjs', 28) });
  const call = span('web', 'POST /checkout', root.spanId, 3, 405, { kind: 'client', status: 'error', attributes: { 'server.address': 'checkout', 'server.port': 8081, 'http.response.status_code': 502 }, ...code('demo/services/web.mjs', 35) });
  const server = span('checkout', 'POST /checkout', call.spanId, 5, 400, { kind: 'server', status: 'error', statusMessage: 'payment failed: card_declined', attributes: { 'http.route': '/checkout' } });
  const validate = span('checkout', 'checkout.validate_cart', server.spanId, 7, 18, { attributes: { 'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': 'checkout.validate_cart', 'cart.items': 3 }, ...code('demo/services/checkout.mjs', 22) });
  const select = span('checkout', 'SELECT shop.products', validate.spanId, 9, 11, { kind: 'client', attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.query.text': 'SELECT id, price, stock FROM products WHERE id = ANY($1)' } });
  const process = span('checkout', 'checkout.process_order', server.spanId, 27, 375, { status: 'error', attributes: { 'coordimap.flow.name': 'checkout.place_order', 'coordimap.flow.step': 'checkout.process_order', 'order.id': 'ord-20417' }, ...code('demo/services/checkout.mjs', 47) });
  const insert = span('checkout', 'INSERT shop.orders', process.spanId, 29, 74, { kind: 'client', attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': 'INSERT', 'db.collection.name': 'orders' }, ...code('demo/services/checkout.mjs', 58) });
  const reserve = span('checkout', 'POST /reserve', process.spanId, 108, 61, { kind: 'client', attributes: { 'server.address': 'inventory' }, ...code('demo/services/checkout.mjs', 66) });
  const invServer = span('inventory', 'POST /reserve', reserve.spanId, 110, 57, { kind: 'server' });
  const stock = span('inventory', 'inventory.reserve_stock', invServer.spanId, 111, 55, { attributes: { 'coordimap.flow.step': 'inventory.reserve_stock' }, ...code('demo/services/inventory.mjs', 31) });
  const redis = span('inventory', 'GET stock:sku-1042', stock.spanId, 112, 3, { kind: 'client', attributes: { 'db.system.name': 'redis', 'db.namespace': '0' } });
  const update = span('inventory', 'UPDATE inventory.stock', stock.spanId, 117, 46, { kind: 'client', attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'inventory', 'db.operation.name': 'UPDATE' }, ...code('demo/services/inventory.mjs', 44) });
  const pay = span('checkout', 'POST /charge', process.spanId, 108, 290, { kind: 'client', status: 'error', attributes: { 'server.address': 'payments', 'http.response.status_code': 402 }, ...code('demo/services/checkout.mjs', 81) });
  const payServer = span('payments', 'POST /charge', pay.spanId, 110, 286, { kind: 'server', status: 'error', statusMessage: 'card_declined' });
  const charge = span('payments', 'payments.charge_card', payServer.spanId, 111, 284, {
    spanId: CHARGE_SPAN,
    status: 'error',
    statusMessage: 'card_declined: insufficient funds',
    attributes: { 'coordimap.flow.step': 'payments.charge_card', 'payment.amount': 129.9, 'payment.currency': 'EUR', 'code.file.path': '/home/dev/shop/demo/services/payments.mjs', 'code.line.number': 38 },
    events: [{ name: 'exception', timeMs: T0 + 392, attributes: { 'exception.type': 'CardDeclinedError', 'exception.message': 'card_declined: insufficient funds', 'exception.stacktrace': STACK } }],
    ...code('demo/services/payments.mjs', 38),
  });
  const stripe1 = span('payments', 'POST api.stripe.com/v1/charges', charge.spanId, 113, 131, { kind: 'client', status: 'error', attributes: { 'server.address': 'api.stripe.com', 'http.response.status_code': 503 }, events: [{ name: 'retry', timeMs: T0 + 244, attributes: { attempt: 1 } }] });
  const stripe2 = span('payments', 'POST api.stripe.com/v1/charges', charge.spanId, 262, 128, { kind: 'client', status: 'error', attributes: { 'server.address': 'api.stripe.com', 'http.response.status_code': 402 } });
  const publish = span('checkout', 'orders.placed publish', process.spanId, 399, 2, { spanId: PUBLISH_SPAN, kind: 'producer', attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders.placed' }, ...code('demo/services/checkout.mjs', 95) });
  const spans = [root, call, server, validate, select, process, insert, reserve, invServer, stock, redis, update, pay, payServer, charge, stripe1, stripe2, publish];
  return {
    traceId: CHECKOUT_TRACE,
    spans,
    logs: [
      { timeMs: T0 + 25, severity: 'INFO', body: 'cart validated: 3 items, total 129.90 EUR', spanId: validate.spanId, attributes: {} },
      { timeMs: T0 + 245, severity: 'WARN', body: 'stripe answered 503, retrying in 15 ms', spanId: charge.spanId, attributes: {} },
      { timeMs: T0 + 393, severity: 'ERROR', body: 'charge failed for order ord-20417: card_declined (insufficient funds)', spanId: charge.spanId, attributes: { 'order.id': 'ord-20417' } },
    ],
  };
}

/** The consumer of orders.placed, linked to the checkout trace's publish span. */
export function notifyTrace(): TraceDetail {
  next = 40;
  const consume = span('notifications', 'orders.placed process', undefined, 420, 96, { kind: 'consumer', links: [{ traceId: CHECKOUT_TRACE, spanId: PUBLISH_SPAN, attributes: {} }], attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders.placed' }, ...code('demo/services/notifications.mjs', 12) });
  const send = span('notifications', 'notifications.send_confirmation', consume.spanId, 423, 90, { attributes: { 'coordimap.flow.step': 'notifications.send_confirmation' }, ...code('demo/services/notifications.mjs', 27) });
  const smtp = span('notifications', 'smtp send', send.spanId, 425, 86, { kind: 'client', attributes: { 'server.address': 'smtp.sendgrid.net' } });
  return { traceId: NOTIFY_TRACE, spans: [consume, send, smtp], logs: [{ timeMs: T0 + 512, severity: 'INFO', body: 'confirmation sent to a***@example.com', spanId: send.spanId, attributes: {} }] };
}

export function demoTraceList(): TraceSummary[] {
  const s = (traceId: string, rootName: string, rootService: string, durationMs: number, spanCount: number, errorCount: number, startMs = T0): TraceSummary => ({ traceId, rootName, rootService, startMs, durationMs, spanCount, errorCount });
  return [
    s(CHECKOUT_TRACE, 'POST /api/checkout', 'web', 412, 18, 9),
    s(NOTIFY_TRACE, 'orders.placed process', 'notifications', 96, 3, 0, T0 + 420),
    s('0123456789abcdef0123456789abcdef', 'POST /api/checkout', 'web', 187, 17, 0, T0 - 4000),
    s('fedcba9876543210fedcba9876543210', 'GET /api/products', 'web', 41, 4, 0, T0 - 9000),
  ];
}
