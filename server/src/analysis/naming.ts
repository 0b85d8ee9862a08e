// Text helpers for quick fixes: derived names, stable prefixes, string literals in the
// quoting style of the code being edited.

import type { Language } from '../../../common/src/sites';

/** `OrderService.placeOrder` -> `order_service.place_order`. */
export function deriveName(functionName: string): string {
  return functionName
    .split('.')
    .map((seg) => seg.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase())
    .filter((seg) => seg.length > 0)
    .join('.');
}

/** `checkout.order.` -> `checkout.order` (separators before the dynamic part dropped). */
export function stablePrefix(prefix: string): string {
  return prefix.replace(/[\s._\-/:#|=]+$/, '');
}

/** A string literal for `value` using the quote style of `originalText` (Go always uses `"`). */
export function quoteLike(value: string, originalText: string, language: Language): string {
  if (language === 'go' || originalText.startsWith('"')) return JSON.stringify(value);
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
