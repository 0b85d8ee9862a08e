// "billing": refunds a few orders. Contains a deliberate naming mistake the analyzer flags:
// the flow step embeds the order id, so every run creates a new step name.
import { SpanKind } from '@opentelemetry/api';
import { FLOW_NAME, FLOW_RUN_ID, FLOW_STEP, here, latency, serviceTracer, within } from './otel.mjs';

export function createBilling(endpoint) {
  const tracer = serviceTracer('billing', endpoint);
  return {
    refund(order, clock) {
      const span = tracer.startSpan('billing.refund_order', {
        kind: SpanKind.SERVER,
        startTime: clock.now,
        attributes: { [FLOW_NAME]: 'billing.refund_order', [FLOW_STEP]: 'billing.validate_refund', [FLOW_RUN_ID]: order.id, ...here('refund') },
      });
      span.end(clock.advance(latency(4)));
      const issue = tracer.startSpan('billing.issue_refund', {
        startTime: clock.now,
        // Mistake: an ID inside a flow step name (should go in coordimap.flow.run_id).
        attributes: { [FLOW_NAME]: 'billing.refund_order', [FLOW_STEP]: `billing.issue_refund.${order.id}`, [FLOW_RUN_ID]: order.id, ...here('refund') },
      }, within(span));
      const ledger = tracer.startSpan('INSERT refunds', { kind: SpanKind.CLIENT, startTime: clock.now, attributes: { 'db.system': 'postgresql', 'db.name': 'ledger', 'db.operation': 'INSERT', 'db.sql.table': 'refunds', ...here('refund') } }, within(issue));
      ledger.end(clock.advance(latency(5)));
      issue.end(clock.advance(latency(1)));
    },
  };
}
