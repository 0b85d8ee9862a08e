// The parameters of Python functions as their callers see them: `self`/`cls` of a method is not
// counted (callers write `obj.name(x)`), `*args`/`**kwargs` take no position, and a function
// defined directly in a class body (not a @staticmethod) is called as a method.

import type { Node } from 'web-tree-sitter';
import type { Callable } from '../types';
import { namedChildren } from '../treeNodes';

export interface PyParam {
  name: string;
  /** Position callers pass it at (0-based, `self`/`cls` not counted). */
  index: number;
  /** The annotation's type node, when written. */
  annotation: Node | null;
}

/** Whether `fn` (a function_definition) sits directly in a class body, and how it is decorated. */
function classMember(fn: Node): { inClass: boolean; staticMethod: boolean } {
  const owner = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  const inClass = owner.parent?.type === 'block' && owner.parent.parent?.type === 'class_definition';
  const decorators = owner.type === 'decorated_definition' ? namedChildren(owner).filter((d) => d.type === 'decorator') : [];
  return { inClass, staticMethod: decorators.some((d) => /^@\s*staticmethod\b/.test(d.text)) };
}

/** The parameters of a function_definition or lambda, in order. */
export function parametersOf(fn: Node): PyParam[] {
  const list = fn.childForFieldName('parameters');
  if (!list) return [];
  const { inClass, staticMethod } = fn.type === 'function_definition' ? classMember(fn) : { inClass: false, staticMethod: false };
  const out: PyParam[] = [];
  let position = 0;
  let skipFirst = inClass && !staticMethod;
  for (const p of namedChildren(list)) {
    if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || p.type === 'keyword_separator' || p.type === 'positional_separator') continue;
    const nameNode = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren[0]);
    if (nameNode?.type !== 'identifier') continue;
    if (skipFirst) {
      skipFirst = false;
      continue;
    }
    out.push({ name: nameNode.text, index: position++, annotation: p.childForFieldName('type') });
  }
  return out;
}

/** How callers name `fn`: a lambda assigned to a name counts as that name; undefined for anonymous ones. */
export function callableOf(fn: Node): Callable | undefined {
  if (fn.type === 'function_definition') {
    const name = fn.childForFieldName('name')?.text;
    if (!name) return undefined;
    const { inClass, staticMethod } = classMember(fn);
    // A static method is still reached through the class or an instance: `Tracing.span(name)`.
    return { name, method: inClass || staticMethod };
  }
  const assignment = fn.parent?.type === 'assignment' ? fn.parent : null;
  const left = assignment?.childForFieldName('left');
  return left?.type === 'identifier' ? { name: left.text, method: false } : undefined;
}
