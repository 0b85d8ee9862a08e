// What a type annotation says about how many values a name part can take, without a type
// checker: literal unions (`'GET' | 'POST'`), enums, `keyof typeof X` and aliases of those,
// declared in the file or imported from a workspace module.

import { ts } from './tsApi';
import type { ConstantEvaluator } from './constants';
import { findBinding } from './modules';
import { hasExportModifier } from './syntax';

const MAX_HOPS = 6;

/** 'a literal union', 'an enum' when the type admits only a few values; undefined otherwise. */
export function boundedType(type: ts.TypeNode, evaluator: ConstantEvaluator, hops = 0): string | undefined {
  if (hops > MAX_HOPS) return undefined;
  if (ts.isParenthesizedTypeNode(type)) return boundedType(type.type, evaluator, hops + 1);
  if (ts.isLiteralTypeNode(type)) return 'a literal type';
  if (ts.isUnionTypeNode(type)) {
    const members = type.types.filter((t) => !isNullish(t));
    return members.length > 0 && members.every((t) => boundedType(t, evaluator, hops + 1)) ? 'a literal union' : undefined;
  }
  if (ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.KeyOfKeyword) return 'a key of a declared type';
  // `(typeof METHODS)[number]` over an `as const` array, `Kinds['name']`.
  if (ts.isIndexedAccessTypeNode(type) && ts.isTypeQueryNode(unparen(type.objectType))) return 'a literal union';
  if (type.kind === ts.SyntaxKind.BooleanKeyword) return 'a boolean';
  if (!ts.isTypeReferenceNode(type)) return undefined;
  const name = type.typeName;
  if (!ts.isIdentifier(name)) return enumOrAliasIn(name.right.text, name, evaluator, hops);
  return enumOrAliasIn(name.text, name, evaluator, hops);
}

function enumOrAliasIn(name: string, at: ts.Node, evaluator: ConstantEvaluator, hops: number): string | undefined {
  const decl = typeDeclaration(name, at, evaluator, hops);
  if (!decl) return undefined;
  if (ts.isEnumDeclaration(decl)) return 'an enum';
  return boundedType(decl.type, evaluator, hops + 1);
}

/** A `type X = ...` or `enum X` visible at `at`: in an enclosing scope, or exported by the workspace module it is imported from. */
function typeDeclaration(name: string, at: ts.Node, evaluator: ConstantEvaluator, hops: number): ts.TypeAliasDeclaration | ts.EnumDeclaration | undefined {
  for (let n: ts.Node | undefined = at; n; n = n.parent) {
    if (!(ts.isSourceFile(n) || ts.isBlock(n) || ts.isModuleBlock(n))) continue;
    const own = declaredIn(n.statements, name, false);
    if (own) return own;
  }
  const b = findBinding(name, at);
  if (b?.kind === 'enum') return b.decl;
  if (b?.kind !== 'import' || b.name === '*' || hops > MAX_HOPS) return undefined;
  const file = evaluator.moduleOf(b.fromFile, b.specifier);
  const sf = file ? evaluator.sourceOf(file) : undefined;
  return sf ? declaredIn(sf.statements, b.name, true) : undefined;
}

function declaredIn(statements: readonly ts.Statement[], name: string, exportedOnly: boolean): ts.TypeAliasDeclaration | ts.EnumDeclaration | undefined {
  for (const s of statements) {
    if ((ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) && s.name.text === name && (!exportedOnly || hasExportModifier(s))) return s;
  }
  return undefined;
}

function isNullish(t: ts.TypeNode): boolean {
  if (t.kind === ts.SyntaxKind.UndefinedKeyword) return true;
  return ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword;
}

function unparen(t: ts.TypeNode): ts.TypeNode {
  return ts.isParenthesizedTypeNode(t) ? unparen(t.type) : t;
}
