// "web": the public gateway. Receives POST /api/checkout and calls the checkout service.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { here, latency, serviceTracer, within } from './otel.mjs';

export function createWeb(endpoint, checkout) {
  const tracer = serviceTracer('web', endpoint);
  return {
    /** One browser request placing an order. */
    placeOrder(order, clock) {
      const server = tracer.startSpan('POST /api/checkout', {
        kind: SpanKind.SERVER,
        startTime: clock.now,
        attributes: { 'http.request.method': 'POST', 'http.route': '/api/checkout', ...here('placeOrder') },
      });
      clock.advance(latency(1));
      const client = tracer.startSpan('POST /checkout', { kind: SpanKind.CLIENT, startTime: clock.now, attributes: { 'http.request.method': 'POST', 'server.address': 'checkout', 'url.full': 'http://checkout/checkout', ...here('placeOrder') } }, within(server));
      const ok = checkout.handleCheckout(order, clock, client);
      clock.advance(latency(0.5));
      if (!ok) {
        client.setStatus({ code: SpanStatusCode.ERROR, message: 'checkout failed' });
        server.setStatus({ code: SpanStatusCode.ERROR, message: 'checkout failed' });
      }
      client.setAttribute('http.response.status_code', ok ? 200 : 502);
      client.end(clock.now);
      server.setAttribute('http.response.status_code', ok ? 200 : 502);
      server.end(clock.advance(latency(1)));
    },

    /** Browsing the catalog: a call to an external CDN-backed search service. */
    browse(clock) {
      const server = tracer.startSpan('GET /api/products', { kind: SpanKind.SERVER, startTime: clock.now, attributes: { 'http.route': '/api/products', ...here('browse') } });
      const search = tracer.startSpan('GET search', { kind: SpanKind.CLIENT, startTime: clock.advance(1), attributes: { 'server.address': 'search.algolia.net', 'http.request.method': 'GET', ...here('browse') } }, within(server));
      search.end(clock.advance(latency(35)));
      server.end(clock.advance(latency(2)));
    },
  };
}
