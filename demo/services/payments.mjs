// "payments": charges the card with the external Stripe API.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { FLOW_NAME, FLOW_RUN_ID, FLOW_STEP, here, latency, serviceTracer, within } from './otel.mjs';

export function createPayments(endpoint) {
  const tracer = serviceTracer('payments', endpoint);
  return {
    /** Called by checkout (the CLIENT span is the caller's). Returns false when declined. */
    charge(order, clock, parent, callerTracer) {
      const client = callerTracer.startSpan('POST /charge', { kind: SpanKind.CLIENT, startTime: clock.now, attributes: { 'server.address': 'payments', 'http.request.method': 'POST', ...here('charge') } }, within(parent));
      const server = tracer.startSpan('POST /charge', { kind: SpanKind.SERVER, startTime: clock.advance(0.5), attributes: { 'http.route': '/charge', ...here('charge') } }, within(client));
      const step = tracer.startSpan('payments.charge_card', {
        startTime: clock.advance(0.2),
        attributes: { [FLOW_NAME]: 'checkout.place_order', [FLOW_STEP]: 'payments.charge_card', [FLOW_RUN_ID]: order.id, 'entity.type': 'payment', 'entity.id': `pay_${order.id}`, ...here('charge') },
      }, within(server));
      const stripe = tracer.startSpan('POST /v1/charges', { kind: SpanKind.CLIENT, startTime: clock.advance(0.3), attributes: { 'server.address': 'api.stripe.com', 'http.request.method': 'POST', ...here('charge') } }, within(step));
      const declined = Math.random() < 0.04;
      const timedOut = !declined && Math.random() < 0.015;
      // Status before end(): an ended span ignores setStatus, and the error would never be exported.
      if (timedOut) stripe.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
      stripe.end(clock.advance(timedOut ? 1500 : latency(85)));
      const ok = !declined && !timedOut;
      if (!ok) {
        // An exception event with its stack trace: what the trace view shows under the failing step.
        const error = new Error(declined ? 'card declined: insufficient funds' : 'stripe did not answer within 1500 ms');
        error.name = declined ? 'CardDeclinedError' : 'StripeTimeoutError';
        step.recordException(error, clock.now);
        for (const s of [step, server, client]) s.setStatus({ code: SpanStatusCode.ERROR, message: declined ? 'card declined' : 'stripe timeout' });
      }
      step.end(clock.advance(latency(1)));
      server.end(clock.advance(0.3));
      client.end(clock.advance(0.5));
      return ok;
    },
  };
}
