// "inventory": reserves stock in its own postgres database and a redis cache.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { FLOW_NAME, FLOW_RUN_ID, FLOW_STEP, here, latency, serviceTracer, within } from './otel.mjs';

export function createInventory(endpoint) {
  const tracer = serviceTracer('inventory', endpoint);

  function db(parent, clock, system, namespace, operation, table, typical) {
    const span = tracer.startSpan(`${operation} ${table}`, {
      kind: SpanKind.CLIENT,
      startTime: clock.now,
      attributes: { 'db.system.name': system, 'db.namespace': namespace, 'db.operation.name': operation, 'db.collection.name': table, ...here('db') },
    }, within(parent));
    span.end(clock.advance(latency(typical)));
  }

  return {
    /** Called by checkout. Returns false when an item is out of stock. */
    reserve(order, clock, parent, callerTracer) {
      const client = callerTracer.startSpan('POST /reservations', { kind: SpanKind.CLIENT, startTime: clock.now, attributes: { 'server.address': 'inventory', ...here('reserve') } }, within(parent));
      const server = tracer.startSpan('POST /reservations', { kind: SpanKind.SERVER, startTime: clock.advance(0.4), attributes: { 'http.route': '/reservations', ...here('reserve') } }, within(client));
      const step = tracer.startSpan('inventory.reserve_stock', {
        startTime: clock.advance(0.1),
        attributes: { [FLOW_NAME]: 'checkout.place_order', [FLOW_STEP]: 'inventory.reserve_stock', [FLOW_RUN_ID]: order.id, ...here('reserve') },
      }, within(server));
      db(step, clock, 'redis', '0', 'GET', 'stock-cache', 0.8);
      db(step, clock, 'postgresql', 'inventory', 'SELECT', 'stock', 4);
      const inStock = Math.random() > 0.02;
      if (inStock) db(step, clock, 'postgresql', 'inventory', 'UPDATE', 'stock', 7);
      else for (const s of [step, server, client]) s.setStatus({ code: SpanStatusCode.ERROR, message: 'out of stock' });
      step.end(clock.advance(latency(1)));
      server.end(clock.advance(0.2));
      client.end(clock.advance(0.4));
      return inStock;
    },
  };
}
