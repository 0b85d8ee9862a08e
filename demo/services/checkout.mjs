// "checkout": validates the cart, stores the order in postgres, charges the card through
// "payments", reserves stock through "inventory" and publishes orders.placed to kafka.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { FLOW_NAME, FLOW_RUN_ID, FLOW_STEP, here, latency, serviceTracer, within } from './otel.mjs';

const FLOW = 'checkout.place_order';

export function createCheckout(endpoint, { payments, inventory, notifications }) {
  const tracer = serviceTracer('checkout', endpoint);
  const flow = (order, step) => ({ [FLOW_NAME]: FLOW, [FLOW_STEP]: step, [FLOW_RUN_ID]: order.id });

  function query(parent, clock, operation, table, typical) {
    const span = tracer.startSpan(`${operation} shop.${table}`, {
      kind: SpanKind.CLIENT,
      startTime: clock.now,
      attributes: { 'db.system': 'postgresql', 'db.namespace': 'shop', 'db.operation': operation, 'db.sql.table': table, 'server.address': 'postgres', ...here('query') },
    }, within(parent));
    span.end(clock.advance(latency(typical)));
  }

  return {
    /** The SERVER half of web's POST /checkout. Returns false when the order failed. */
    handleCheckout(order, clock, caller) {
      const server = tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: clock.advance(0.4), attributes: { 'http.route': '/checkout', ...here('handleCheckout') } }, within(caller));

      const validate = tracer.startSpan('checkout.validate_cart', { startTime: clock.advance(0.2), attributes: { ...flow(order, 'checkout.validate_cart'), 'entity.type': 'cart', 'entity.id': order.cartId, ...here('handleCheckout') } }, within(server));
      query(validate, clock, 'SELECT', 'carts', 3);
      validate.end(clock.advance(latency(1)));

      const processing = tracer.startSpan('checkout.process_order', { startTime: clock.advance(0.2), attributes: { ...flow(order, 'checkout.process_order'), 'entity.type': 'order', 'entity.id': order.id, ...here('handleCheckout') } }, within(server));
      query(processing, clock, 'INSERT', 'orders', 6);
      const charged = payments.charge(order, clock, processing, tracer);
      const reserved = charged && inventory.reserve(order, clock, processing, tracer);
      if (reserved) {
        query(processing, clock, 'UPDATE', 'orders', 4);
        const publish = tracer.startSpan('orders.placed publish', {
          kind: SpanKind.PRODUCER,
          startTime: clock.now,
          attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders.placed', 'messaging.operation.type': 'publish', ...here('handleCheckout') },
        }, within(processing));
        publish.end(clock.advance(latency(2)));
        notifications.enqueue(order, clock.now + latency(40), publish.spanContext());
      } else {
        processing.setStatus({ code: SpanStatusCode.ERROR, message: charged ? 'out of stock' : 'payment declined' });
        server.setStatus({ code: SpanStatusCode.ERROR });
      }
      processing.end(clock.advance(latency(1)));
      server.end(clock.advance(0.3));
      return reserved;
    },
  };
}
