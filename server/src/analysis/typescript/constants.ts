// Constant evaluation of names, attribute keys and values: literals, templates and
// concatenations of constants, `const` identifiers, `as const` / frozen object members and
// enum members, also when imported from another workspace file (ESM or CommonJS).

import { ts } from './tsApi';
import { SEMCONV_CONSTANTS } from '../../../../common/src/semconv';
import { findBinding, findExport, propertyNameText, type Binding, type SourceStore } from './modules';
import { memberAccess, unwrap } from './syntax';

export type Scalar = string | number | boolean;

export interface Evaluated {
  constant: boolean;
  value?: Scalar;
  /** For dynamic strings: the constant text before the first dynamic part. */
  prefix?: string;
  /** The dynamic sub-expressions of a dynamic string. */
  dynamic: ts.Expression[];
}

/** Something with members: an object literal written `as const` (or frozen), an enum or a module. */
type Container =
  | { kind: 'object'; node: ts.ObjectLiteralExpression }
  | { kind: 'enum'; node: ts.EnumDeclaration }
  | { kind: 'module'; file: string };

const MAX_DEPTH = 40;

/** Recorded in a file's used files when one of its relative imports did not resolve. */
export const UNRESOLVED_IMPORT = '\0unresolved-import';

/**
 * Constant values of module exports, shared by every file's evaluation: thousands of attribute
 * keys name the same few imported constants, which are then evaluated once instead of once per
 * use. An entry is dropped when its module or a file its value depended on changes.
 */
export class ExportValueMemo {
  private readonly values = new Map<string, { file: string; value: Scalar; uses: Set<string> }>();

  get(file: string, name: string): { value: Scalar; uses: Set<string> } | undefined {
    return this.values.get(`${file}\0${name}`);
  }

  set(file: string, name: string, value: Scalar, uses: Set<string>): void {
    this.values.set(`${file}\0${name}`, { file, value, uses });
  }

  /** Drops the values of `file` and those that depended on it. */
  invalidate(file: string): void {
    for (const [key, entry] of this.values) if (entry.file === file || entry.uses.has(file)) this.values.delete(key);
  }
}

export class ConstantEvaluator {
  private depth = 0;

  /** `usedFiles` collects every other file a result depended on (for cache invalidation). */
  constructor(private readonly store: SourceStore, private usedFiles: Set<string>, private readonly memo?: ExportValueMemo) {}

  /** The module a relative import names, recorded as used (the caller's result depends on it). */
  moduleOf(fromFile: string, specifier: string): string | undefined {
    const target = this.resolve(fromFile, specifier);
    if (target) this.usedFiles.add(target);
    return target;
  }

  /** The parsed tree of a workspace module, recorded as used. */
  sourceOf(file: string): ts.SourceFile | undefined {
    this.usedFiles.add(file);
    return this.store.sourceFile(file);
  }

  /** What `name` exported by workspace module `file` is bound to. */
  exportOf(file: string, name: string): Binding | undefined {
    this.usedFiles.add(file);
    return findExport(this.store, file, name);
  }

  evaluate(expr: ts.Expression): Evaluated {
    if (this.depth > MAX_DEPTH) return dynamic(expr);
    this.depth++;
    try {
      return this.evaluateInner(unwrap(expr));
    } finally {
      this.depth--;
    }
  }

  private evaluateInner(e: ts.Expression): Evaluated {
    if (ts.isStringLiteralLike(e)) return constant(e.text);
    if (ts.isNumericLiteral(e)) return constant(Number(e.text));
    if (e.kind === ts.SyntaxKind.TrueKeyword) return constant(true);
    if (e.kind === ts.SyntaxKind.FalseKeyword) return constant(false);
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
      const v = this.evaluate(e.operand);
      return v.constant && typeof v.value === 'number' ? constant(-v.value) : dynamic(e);
    }
    if (ts.isTemplateExpression(e)) return this.template(e);
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return this.concat(e);
    if (ts.isIdentifier(e)) return this.fromBinding(findBinding(e.text, e), e);
    const member = memberAccess(e);
    if (member) return this.member(member[0], member[1], e);
    return dynamic(e);
  }

  /** A relative import that does not resolve yet may resolve once the file appears: remember that. */
  private resolve(fromFile: string, specifier: string): string | undefined {
    const target = this.store.resolveModule(fromFile, specifier);
    if (!target && specifier.startsWith('.')) this.usedFiles.add(UNRESOLVED_IMPORT);
    return target;
  }

  private template(e: ts.TemplateExpression): Evaluated {
    let text = e.head.text;
    let prefix: string | undefined;
    const parts: ts.Expression[] = [];
    for (const span of e.templateSpans) {
      const v = this.evaluate(span.expression);
      if (v.constant && prefix === undefined) text += String(v.value);
      else {
        if (prefix === undefined) prefix = text + (v.prefix ?? '');
        parts.push(...(v.constant ? [] : v.dynamic));
      }
      if (prefix === undefined) text += span.literal.text;
    }
    return prefix === undefined ? constant(text) : { constant: false, prefix, dynamic: parts };
  }

  private concat(e: ts.BinaryExpression): Evaluated {
    const l = this.evaluate(e.left);
    const r = this.evaluate(e.right);
    if (l.constant && r.constant) {
      const both = typeof l.value === 'number' && typeof r.value === 'number';
      return constant(both ? (l.value as number) + (r.value as number) : String(l.value) + String(r.value));
    }
    const prefix = l.constant ? String(l.value) + (r.prefix ?? '') : l.prefix;
    return { constant: false, prefix, dynamic: [...(l.constant ? [] : l.dynamic), ...(r.constant ? [] : r.dynamic)] };
  }

  private fromBinding(b: Binding | undefined, at: ts.Expression): Evaluated {
    if (!b) return dynamic(at);
    switch (b.kind) {
      case 'variable':
        return b.isConst && b.decl.initializer ? this.evaluate(b.decl.initializer) : dynamic(at);
      case 'expression':
        return this.evaluate(b.expr);
      case 'import': {
        const target = this.resolve(b.fromFile, b.specifier);
        if (!target) return semconvConstant(b) ?? dynamic(at);
        return this.exportValue(target, b.name, at);
      }
      default:
        return dynamic(at);
    }
  }

  private member(objExpr: ts.Expression, name: string, at: ts.Expression): Evaluated {
    // `Flows.Main` with `Flows` imported: memoized per module like a plain imported constant.
    const imported = this.importedBinding(unwrap(objExpr));
    if (imported) return this.memoized(imported.file, `${imported.name}\0${name}`, () => this.memberOf(objExpr, name, at));
    return this.memberOf(objExpr, name, at);
  }

  /** The module and export name an identifier is imported as (namespaces go through the module container). */
  private importedBinding(e: ts.Expression): { file: string; name: string } | undefined {
    if (!ts.isIdentifier(e)) return undefined;
    const b = findBinding(e.text, e);
    if (b?.kind !== 'import' || b.name === '*') return undefined;
    const file = this.store.resolveModule(b.fromFile, b.specifier);
    return file ? { file, name: b.name } : undefined;
  }

  private memberOf(objExpr: ts.Expression, name: string, at: ts.Expression): Evaluated {
    const container = this.container(objExpr);
    if (!container) return dynamic(at);
    switch (container.kind) {
      case 'object': {
        for (const p of container.node.properties) {
          if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === name) return this.evaluate(p.initializer);
          if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return this.evaluate(p.name);
        }
        return dynamic(at);
      }
      case 'enum':
        return this.enumMember(container.node, name) ?? dynamic(at);
      case 'module':
        return this.exportValue(container.file, name, at);
    }
  }

  private exportValue(file: string, name: string, at: ts.Expression): Evaluated {
    return this.memoized(file, name, () => this.fromBinding(findExport(this.store, file, name), at));
  }

  /** A value read from module `file` under `name`, from the memo when it is a known constant. */
  private memoized(file: string, name: string, evaluate: () => Evaluated): Evaluated {
    const known = this.memo?.get(file, name);
    if (known) {
      for (const f of known.uses) this.usedFiles.add(f);
      return constant(known.value);
    }
    const outer = this.usedFiles;
    const uses = new Set<string>([file]);
    this.usedFiles = uses;
    let v: Evaluated;
    try {
      v = evaluate();
    } finally {
      this.usedFiles = outer;
    }
    for (const f of uses) outer.add(f);
    // Only constants: a dynamic result holds nodes of another file's tree, and may come from the depth limit.
    if (v.constant && v.value !== undefined) this.memo?.set(file, name, v.value, uses);
    return v;
  }

  /** Enum member value: its initializer, or the previous member's number + 1. */
  private enumMember(decl: ts.EnumDeclaration, name: string): Evaluated | undefined {
    let next: Scalar | undefined = 0;
    for (const m of decl.members) {
      let v: Scalar | undefined;
      if (m.initializer) {
        const r = this.evaluate(m.initializer);
        v = r.constant ? r.value : undefined;
      } else v = typeof next === 'number' ? next : undefined;
      if (propertyNameText(m.name) === name) return v === undefined ? undefined : constant(v);
      next = typeof v === 'number' ? v + 1 : undefined;
    }
    return undefined;
  }

  private container(expr: ts.Expression): Container | undefined {
    if (this.depth > MAX_DEPTH) return undefined;
    this.depth++;
    try {
      return this.containerInner(unwrap(expr));
    } finally {
      this.depth--;
    }
  }

  private containerInner(e: ts.Expression): Container | undefined {
    if (ts.isIdentifier(e)) return this.containerOf(findBinding(e.text, e));
    const member = memberAccess(e);
    if (!member) return undefined;
    const outer = this.container(member[0]);
    if (!outer) return undefined;
    if (outer.kind === 'module') {
      this.usedFiles.add(outer.file);
      return this.containerOf(findExport(this.store, outer.file, member[1]));
    }
    if (outer.kind === 'object') {
      const p = outer.node.properties.find((q) => ts.isPropertyAssignment(q) && propertyNameText(q.name) === member[1]);
      return p && ts.isPropertyAssignment(p) ? frozenObject(p.initializer, true) : undefined;
    }
    return undefined;
  }

  private containerOf(b: Binding | undefined): Container | undefined {
    if (!b) return undefined;
    switch (b.kind) {
      case 'enum':
        return { kind: 'enum', node: b.decl };
      case 'module':
        return { kind: 'module', file: b.file };
      case 'variable':
        return b.isConst && b.decl.initializer ? frozenObject(b.decl.initializer, false) : undefined;
      case 'expression':
        return frozenObject(b.expr, false);
      case 'import': {
        const target = this.resolve(b.fromFile, b.specifier);
        if (!target) return undefined;
        this.usedFiles.add(target);
        return this.containerOf(findExport(this.store, target, b.name));
      }
      default:
        return undefined;
    }
  }
}

/** An object literal whose members cannot change: `{...} as const`, `Object.freeze({...})`, or nested in one. */
function frozenObject(init: ts.Expression, insideFrozen: boolean): Container | undefined {
  let e = init;
  let frozen = insideFrozen;
  for (;;) {
    if (ts.isAsExpression(e) && ts.isTypeReferenceNode(e.type) && ts.isIdentifier(e.type.typeName) && e.type.typeName.text === 'const') {
      frozen = true;
      e = e.expression;
    } else if (ts.isCallExpression(e) && isObjectFreeze(e.expression) && e.arguments.length === 1) {
      frozen = true;
      e = e.arguments[0];
    } else if (ts.isParenthesizedExpression(e) || ts.isSatisfiesExpression(e) || ts.isAsExpression(e)) e = e.expression;
    else break;
  }
  return frozen && ts.isObjectLiteralExpression(e) ? { kind: 'object', node: e } : undefined;
}

function isObjectFreeze(callee: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object' && callee.name.text === 'freeze';
}

/** `ATTR_DB_SYSTEM_NAME` from `@opentelemetry/semantic-conventions` when node_modules is absent. */
function semconvConstant(b: Extract<Binding, { kind: 'import' }>): Evaluated | undefined {
  if (!b.specifier.includes('semantic-conventions')) return undefined;
  const v = SEMCONV_CONSTANTS[b.name];
  return v === undefined ? undefined : constant(v);
}

function constant(value: Scalar): Evaluated {
  return { constant: true, value, dynamic: [] };
}

function dynamic(e: ts.Expression): Evaluated {
  return { constant: false, dynamic: [e] };
}
