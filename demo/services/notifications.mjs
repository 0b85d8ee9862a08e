// "notifications": consumes orders.placed from kafka (linked to the producer span, as current
// messaging conventions do) and sends the confirmation e-mail through an SMTP relay.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { FLOW_NAME, FLOW_RUN_ID, FLOW_STEP, Clock, here, latency, serviceTracer, within } from './otel.mjs';

export function createNotifications(endpoint) {
  const tracer = serviceTracer('notifications', endpoint);
  const queue = [];

  function consume({ order, at, producer }) {
    const clock = new Clock(at);
    const receive = tracer.startSpan('orders.placed process', {
      kind: SpanKind.CONSUMER,
      startTime: clock.now,
      links: [{ context: producer }],
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders.placed', 'messaging.operation.type': 'process', 'messaging.consumer.group.name': 'notifications', ...here('consume') },
    });
    const step = tracer.startSpan('notifications.send_confirmation', {
      startTime: clock.advance(0.5),
      attributes: { [FLOW_NAME]: 'checkout.place_order', [FLOW_STEP]: 'notifications.send_confirmation', [FLOW_RUN_ID]: order.id, ...here('consume') },
    }, within(receive));
    // Deliberate naming mistake for the analyzer: a generic span name.
    const render = tracer.startSpan('handler', { startTime: clock.advance(0.2), attributes: { 'template.name': 'order-confirmation', ...here('consume') } }, within(step));
    render.end(clock.advance(latency(3)));
    const smtp = tracer.startSpan('SMTP send', { kind: SpanKind.CLIENT, startTime: clock.now, attributes: { 'server.address': 'smtp.sendgrid.net', 'network.protocol.name': 'smtp', ...here('consume') } }, within(step));
    const bounced = Math.random() < 0.01;
    // Status before end(): an ended span ignores setStatus.
    if (bounced) for (const s of [smtp, step]) s.setStatus({ code: SpanStatusCode.ERROR, message: 'mailbox unavailable' });
    smtp.end(clock.advance(latency(60)));
    step.end(clock.advance(latency(1)));
    receive.end(clock.advance(0.3));
  }

  return {
    /** Kafka stand-in: the message is consumed a little later. */
    enqueue(order, at, producer) {
      queue.push({ order, at, producer });
    },
    /** Consumes every message whose time has come. */
    poll() {
      const now = Date.now();
      while (queue.length && queue[0].at <= now) consume(queue.shift());
    },
  };
}
