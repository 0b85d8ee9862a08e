// Values of one Python file as the IR describes them: constants resolved through function
// locals, `self.`/`cls.` class attributes, module constants and imports; dynamic values with their
// parts judged; tracer scopes of receivers.

import type { Node } from 'web-tree-sitter';
import type { AttributeInfo, ValueInfo } from '../types';
import { DYNAMIC, ValueEvaluator, type StaticValue } from '../staticValues';
import { ancestorOfType, descendants, namedChildren, rangeOf } from '../treeNodes';
import { dottedPath, pythonExpr } from './pythonExpr';
import type { PythonLocals } from './pythonLocals';
import { tracerScope } from './pythonModules';
import { PartFinder } from './pythonParts';
import type { ReturnedPart } from './pythonReturns';
import type { PyFileInput } from './pythonSites';

const FUNCTION_TYPES = new Set(['function_definition']);

/** Resolves values at a position: function locals first, then `self.` class attributes, then the module. */
export class Evaluator extends ValueEvaluator {
  private readonly parts: PartFinder;

  constructor(
    private readonly input: PyFileInput,
    private readonly locals: PythonLocals,
  ) {
    super(pythonExpr);
    this.parts = new PartFinder(locals, input.resolver, (node) => this.isConstant(node), input.root);
  }

  /** A value with its dynamic parts judged (see PartFinder). */
  info(node: Node): ValueInfo {
    return this.described(node).info;
  }

  /** The value, and the function whose parameters flow into it (the first one met), for SpanSite.enclosing. */
  described(node: Node): { info: ValueInfo; paramOf?: Node } {
    const info = super.info(node);
    if (info.constant) return { info };
    const found = this.parts.partsOf(node, true);
    info.parts = found.map((f) => f.part);
    return { info, paramOf: found.find((f) => f.paramOf)?.paramOf };
  }

  /** What `fn`, a function of this file, returns (pythonReturns.ts), for calls of it from other files. */
  returnsOf(fn: Node, index: number | undefined): ReturnedPart[] | undefined {
    return this.parts.returnsOfFunction(fn, index);
  }

  isConstant(node: Node): boolean {
    return this.evaluateAt(node, pythonExpr(node)).constant;
  }

  /** `insertAfter` is the node after which a sibling attribute goes, with `template` (see AttributeInfo.insertSibling). */
  attribute(key: Node, value: Node, insertAfter?: Node, template?: string): AttributeInfo {
    const info = this.keyValue(key, value);
    if (insertAfter && template) info.insertSibling = { position: rangeOf(insertAfter).end, template };
    return info;
  }

  dictAttributes(node: Node): AttributeInfo[] {
    const dict = this.localValueNode(node) ?? node;
    if (dict.type !== 'dictionary') return [];
    const out: AttributeInfo[] = [];
    for (const pair of namedChildren(dict)) {
      const key = pair.childForFieldName('key');
      const value = pair.childForFieldName('value');
      if (pair.type === 'pair' && key && value) out.push(this.attribute(key, value, pair, ', {key}: {value}'));
    }
    return out;
  }

  tracerScopeOf(receiver: Node): StaticValue | null {
    const direct = tracerScope(receiver);
    if (direct) return this.evaluateAt(receiver, direct);
    const path = dottedPath(receiver);
    if (!path) return null;
    if (path.length === 1) {
      const local = this.locals.lookup(receiver, path[0]);
      if (local) return local.kind === 'value' ? this.tracerScopeOf(local.value) : null;
      return this.input.resolver.tracerScope(path[0]);
    }
    if (path.length === 2 && path[0] === 'self') return this.selfTracerScope(receiver, path[1]);
    return null;
  }

  /** `self.tracer = trace.get_tracer("x")` anywhere in the class. */
  private selfTracerScope(at: Node, attribute: string): StaticValue | null {
    const cls = ancestorOfType(at, new Set(['class_definition']));
    if (!cls) return null;
    for (const assignment of descendants(cls, new Set(['assignment']))) {
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (left?.text !== `self.${attribute}` || !right) continue;
      const scope = tracerScope(right);
      if (scope) return this.evaluateAt(right, scope);
    }
    return null;
  }

  private localValueNode(node: Node): Node | undefined {
    if (node.type !== 'identifier') return undefined;
    const local = this.locals.lookup(node, node.text);
    return local?.kind === 'value' ? local.value : undefined;
  }

  protected resolve(at: Node, path: string[]): StaticValue {
    if (this.depth > 20) return DYNAMIC;
    if ((path[0] === 'self' || path[0] === 'cls') && path.length > 1) {
      const fn = ancestorOfType(at, FUNCTION_TYPES);
      const cls = fn ? enclosingClassName(fn) : null;
      return cls ? this.input.resolver.value([cls, ...path.slice(1)]) : DYNAMIC;
    }
    const local = this.locals.lookup(at, path[0]);
    if (local) {
      if (local.kind !== 'value' || path.length > 1) return DYNAMIC;
      return this.nested(() => this.evaluateAt(local.value, pythonExpr(local.value)));
    }
    return this.input.resolver.value(path);
  }
}

export function enclosingClassName(fn: Node): string | null {
  const owner = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  const cls = owner.parent?.parent;
  return cls?.type === 'class_definition' ? (cls.childForFieldName('name')?.text ?? null) : null;
}
