// Class private fields (`#tracer`) as compilers down-level them: TypeScript and Babel keep each
// field in a module-level WeakMap and read it through a helper, so `this.#tracer.startSpan(...)`
// ships as `__classPrivateFieldGet(this, _Api_tracer, "f").startSpan(...)` in published `dist/`
// code. These recognise the read, find the values written to the field, and recover the field's
// declared name, so receivers and name parts are judged as they are in the source.

import { ts } from './tsApi';
import { calleeName, innermostNodeAt, memberAccess, occurrences, unwrap } from './syntax';

/** tslib / TypeScript `__classPrivateFieldGet`, Babel `_classPrivateFieldGet` and `_classPrivateFieldGet2`. */
const GET_HELPER = /^_{1,2}classPrivateFieldGet\d*$/;
/** The writes: `__classPrivateFieldSet(this, _C_f, v, "f")`, Babel `_classPrivateFieldSet(2)` and `_classPrivateFieldInitSpec(this, _f, v | { value: v })`. */
const SET_HELPER = /^_{1,2}classPrivateField(?:Set\d*|InitSpec)$/;

/** The WeakMap identifier a compiled private-field read of `this` goes through; undefined for other calls. */
export function compiledPrivateRead(call: ts.CallExpression): ts.Identifier | undefined {
  const name = calleeName(call);
  return name && GET_HELPER.test(name) ? storageOf(call) : undefined;
}

/** The values written to the field stored in `storage`, in the class (or file) that holds `from`. */
export function compiledPrivateWrites(storage: ts.Identifier, from: ts.Node): ts.Expression[] {
  const scope = enclosingClass(from) ?? from.getSourceFile();
  const sf = from.getSourceFile();
  const values: ts.Expression[] = [];
  for (const at of occurrences(sf.text, storage.text, scope.pos, scope.end)) {
    const id = innermostNodeAt(scope, at);
    if (!ts.isIdentifier(id) || id.text !== storage.text) continue;
    const value = writtenValue(id);
    if (value && !isVoid(value)) values.push(value);
  }
  return values;
}

/** The field's name as declared (`_Tracer_otTracer` in class Tracer -> `otTracer`, Babel `_otTracer` -> `otTracer`). */
export function compiledFieldName(storage: ts.Identifier, from: ts.Node): string {
  const cls = enclosingClass(from)?.name?.text;
  const text = storage.text;
  if (cls && text.startsWith(`_${cls}_`)) return text.slice(cls.length + 2);
  return text.replace(/^_+/, '');
}

/** The identifier next to `this` among the first two arguments (TypeScript and old Babel put `this` first, Babel 7.24+ second). */
function storageOf(call: ts.CallExpression): ts.Identifier | undefined {
  const [a, b] = call.arguments.map(unwrap);
  if (a?.kind === ts.SyntaxKind.ThisKeyword && b && ts.isIdentifier(b)) return b;
  if (b?.kind === ts.SyntaxKind.ThisKeyword && a && ts.isIdentifier(a)) return a;
  return undefined;
}

/** What this mention of the storage writes: a set helper's value, or `_C_f.set(this, v)` (TypeScript's field initializer). */
function writtenValue(id: ts.Identifier): ts.Expression | undefined {
  const p = id.parent;
  if (ts.isCallExpression(p) && p.arguments.includes(id)) {
    const name = calleeName(p);
    if (!name || !SET_HELPER.test(name) || storageOf(p) !== id) return undefined;
    const value = p.arguments[2] && unwrap(p.arguments[2]);
    // Babel's InitSpec takes a descriptor `{ writable: true, value: v }`.
    if (value && ts.isObjectLiteralExpression(value)) {
      const v = value.properties.find((q) => ts.isPropertyAssignment(q) && ts.isIdentifier(q.name) && q.name.text === 'value');
      return v && ts.isPropertyAssignment(v) ? v.initializer : undefined;
    }
    return value;
  }
  const member = ts.isPropertyAccessExpression(p) && p.expression === id ? memberAccess(p) : undefined;
  const call = p.parent;
  if (member?.[1] !== 'set' || !ts.isCallExpression(call) || call.expression !== p || call.arguments.length !== 2) return undefined;
  return unwrap(call.arguments[0]).kind === ts.SyntaxKind.ThisKeyword ? call.arguments[1] : undefined;
}

function isVoid(e: ts.Expression): boolean {
  const u = unwrap(e);
  return ts.isVoidExpression(u) || (ts.isIdentifier(u) && u.text === 'undefined') || u.kind === ts.SyntaxKind.NullKeyword;
}

function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isClassLike(n)) return n;
  return undefined;
}
