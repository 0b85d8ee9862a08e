// Is the receiver of `x.start_span(...)` / `x.start_as_current_span(...)` an OpenTelemetry tracer?
// Followed through local assignments, `self.x = ...` anywhere in the class (usually `__init__`),
// class attributes, parameters annotated `Tracer`, module globals and imports of other workspace
// modules. A receiver that resolves nowhere counts when the file imports OpenTelemetry.

import type { Node } from 'web-tree-sitter';
import { ancestorOfType, descendants } from '../treeNodes';
import { dottedPath } from './pythonExpr';
import type { PythonLocals } from './pythonLocals';
import { annotationOrigin, creationOrigin, moduleOrigin, type TracerOrigin } from './pythonSdks';
import type { PythonResolver } from './pythonSites';

export type ReceiverKind = TracerOrigin | 'unknown';

const CLASS = new Set(['class_definition']);
const FUNCTION = new Set(['function_definition']);
const MAX_DEPTH = 8;

export class Receivers {
  /** `self.<attribute>` origins per class node id, found once per class. */
  private readonly selfAttributes = new Map<number, Map<string, Node[]>>();

  constructor(
    private readonly locals: PythonLocals,
    private readonly resolver: PythonResolver,
    private readonly importsOtel: boolean,
  ) {}

  /** Whether a call on `receiver` makes an OpenTelemetry span. */
  isOtel(receiver: Node): boolean {
    const kind = this.kindOf(receiver, 0);
    return kind === 'otel' || (kind === 'unknown' && this.importsOtel);
  }

  kindOf(node: Node, depth: number): ReceiverKind {
    if (depth > MAX_DEPTH) return 'unknown';
    if (node.type === 'parenthesized_expression' && node.namedChildren[0]) return this.kindOf(node.namedChildren[0], depth + 1);
    if (node.type === 'identifier') return this.identifierKind(node, depth);
    const created = creationOrigin(node, (name) => this.importedFrom(node, name));
    if (created) return created;
    const path = node.type === 'attribute' ? dottedPath(node) : null;
    if (path && (path[0] === 'self' || path[0] === 'cls') && path.length === 2) return this.selfKind(node, path[1], depth);
    return 'unknown';
  }

  /** The module a name was imported from, unless a local of the function shadows it. */
  private importedFrom(at: Node, name: string): string | undefined {
    return this.locals.lookup(at, name) ? undefined : this.resolver.importedFrom(name);
  }

  private identifierKind(node: Node, depth: number): ReceiverKind {
    const local = this.locals.lookup(node, node.text);
    if (local?.kind === 'value') return this.kindOf(local.value, depth + 1);
    if (local?.kind === 'param') {
      const annotation = local.param.annotation;
      return (annotation && this.annotationKind(annotation)) ?? 'unknown';
    }
    if (local) return 'unknown';
    const origin = this.resolver.tracerOrigin(node.text);
    if (origin) return origin;
    const module = this.resolver.importedFrom(node.text);
    return (module !== undefined && moduleOrigin(module)) || 'unknown';
  }

  private annotationKind(annotation: Node): TracerOrigin | undefined {
    return annotationOrigin(annotation, (name) => this.resolver.importedFrom(name));
  }

  /** `self._tracer`: what the class assigns to it (any method) or holds as a class attribute, or the type it declares. */
  private selfKind(at: Node, attribute: string, depth: number): ReceiverKind {
    const cls = ancestorOfType(at, CLASS);
    if (!cls) return 'unknown';
    const values = this.inherited(cls, attribute, 0);
    const kinds = values.map((v) => (v.type === 'type' ? (this.annotationKind(v) ?? 'unknown') : this.kindOf(v, depth + 1)));
    if (kinds.includes('otel')) return 'otel';
    return kinds.includes('other') ? 'other' : 'unknown';
  }

  /** What `cls` or, when it says nothing, a base class of the same module assigns or declares for `attribute`. */
  private inherited(cls: Node, attribute: string, depth: number): Node[] {
    const own = this.attributesOf(cls).get(attribute);
    if (own || depth >= MAX_DEPTH) return own ?? [];
    for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
      // `Base` or `Base[P, R]`: the base's own name.
      const name = (base.type === 'subscript' ? base.childForFieldName('value') : base)?.text;
      const definition = name ? this.moduleClass(cls, name) : undefined;
      const found = definition ? this.inherited(definition, attribute, depth + 1) : [];
      if (found.length > 0) return found;
    }
    return [];
  }

  private moduleClass(from: Node, name: string): Node | undefined {
    let root = from;
    while (root.parent) root = root.parent;
    return root.namedChildren.map((n) => (n.type === 'decorated_definition' ? n.childForFieldName('definition') : n)).find((n) => n?.type === 'class_definition' && n.childForFieldName('name')?.text === name) ?? undefined;
  }

  private attributesOf(cls: Node): Map<string, Node[]> {
    let found = this.selfAttributes.get(cls.id);
    if (found) return found;
    found = new Map();
    const add = (name: string, value: Node) => found?.set(name, [...(found.get(name) ?? []), value]);
    for (const assignment of descendants(cls, new Set(['assignment']), CLASS)) {
      const left = assignment.childForFieldName('left');
      // The declared type (`_telemetry: RunTelemetry = field(...)`) says what the attribute is even when its value does not.
      const values = [assignment.childForFieldName('type'), assignment.childForFieldName('right')].filter((v): v is Node => v !== null);
      if (!left || values.length === 0) continue;
      const path = left.type === 'attribute' ? dottedPath(left) : null;
      if (path?.length === 2 && (path[0] === 'self' || path[0] === 'cls')) for (const v of values) add(path[1], v);
      else if (left.type === 'identifier') {
        // A class attribute (`tracer = trace.get_tracer(__name__)` in the class body), not a method's local.
        const fn = ancestorOfType(assignment, FUNCTION);
        if (!fn || fn.startIndex < cls.startIndex) for (const v of values) add(left.text, v);
      }
    }
    this.selfAttributes.set(cls.id, found);
    return found;
  }
}
