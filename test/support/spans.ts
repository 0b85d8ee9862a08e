// Span attributes as the OTLP decoders make them, for tests that build DecodedSpans by hand.
import type { AttrValue } from '../../server/src/telemetry/otlp/span';

/** A map without a prototype (keys like `__proto__` stay plain keys), holding `values`. */
export function spanAttributes(values: Record<string, AttrValue> = {}): Record<string, AttrValue> {
  return Object.assign(Object.create(null) as Record<string, AttrValue>, values);
}
