// Name resolution without a type checker: finds what an identifier is bound to by walking
// enclosing scopes, and what a module exports (ESM and CommonJS), across workspace files.

import { ts } from './tsApi';
import { hasExportModifier, unwrap } from './syntax';

/** Gives parsed files and resolves relative module specifiers; records which files were used. */
export interface SourceStore {
  sourceFile(path: string): ts.SourceFile | undefined;
  resolveModule(fromFile: string, specifier: string): string | undefined;
}

export type Binding =
  | { kind: 'variable'; decl: ts.VariableDeclaration; isConst: boolean }
  | { kind: 'enum'; decl: ts.EnumDeclaration }
  | { kind: 'class'; decl: ts.ClassDeclaration }
  | { kind: 'expression'; expr: ts.Expression }
  | { kind: 'import'; fromFile: string; specifier: string; name: string } // name '*' = the whole module
  | { kind: 'module'; file: string }
  | { kind: 'other'; decl: ts.Node }; // parameters, functions, loop variables: never constant

/** Innermost binding of `name` visible at `from`. */
export function findBinding(name: string, from: ts.Node): Binding | undefined {
  for (let node: ts.Node | undefined = from; node; node = node.parent) {
    const found = bindingInScope(name, node);
    if (found) return found;
  }
  return undefined;
}

/** Scope lookups repeat for every site of a file (tracer, shared constants): memoized per scope node. */
const scopeCache = new WeakMap<ts.Node, Map<string, Binding | null>>();

/** canBind's answer per SyntaxKind. */
const bindingKinds: (boolean | undefined)[] = [];

/** Nodes that can declare names (see lookUpInScope); every other ancestor is passed over without a cache entry. */
function canBind(node: ts.Node): boolean {
  // Every test below depends on the kind alone, and findBinding asks it for each ancestor of each identifier.
  let can = bindingKinds[node.kind];
  if (can === undefined) {
    can = ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node) || ts.isFunctionLike(node)
      || ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isCatchClause(node);
    bindingKinds[node.kind] = can;
  }
  return can;
}

function bindingInScope(name: string, scope: ts.Node): Binding | undefined {
  if (!canBind(scope)) return undefined;
  let cache = scopeCache.get(scope);
  if (!cache) {
    cache = new Map();
    scopeCache.set(scope, cache);
  }
  let b = cache.get(name);
  if (b === undefined) {
    b = lookUpInScope(name, scope) ?? null;
    cache.set(name, b);
  }
  return b ?? undefined;
}

function lookUpInScope(name: string, scope: ts.Node): Binding | undefined {
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
    for (const stmt of scope.statements) {
      const b = bindingInStatement(name, stmt);
      if (b) return b;
    }
    return undefined;
  }
  if (ts.isFunctionLike(scope)) {
    for (const p of scope.parameters) if (bindsName(p.name, name)) return { kind: 'other', decl: p };
    return undefined;
  }
  if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
    for (const d of scope.initializer.declarations) if (bindsName(d.name, name)) return { kind: 'other', decl: d };
  }
  if (ts.isCatchClause(scope) && scope.variableDeclaration && bindsName(scope.variableDeclaration.name, name)) {
    return { kind: 'other', decl: scope.variableDeclaration };
  }
  return undefined;
}

/** The file is only needed for imports; getSourceFile() walks to the root, so it is asked late. */
function fileOf(stmt: ts.Statement): string {
  return stmt.getSourceFile().fileName;
}

function bindingInStatement(name: string, stmt: ts.Statement): Binding | undefined {
  if (ts.isVariableStatement(stmt)) {
    const isConst = (stmt.declarationList.flags & ts.NodeFlags.Const) !== 0;
    for (const d of stmt.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === name) {
        const required = requiredModule(d.initializer);
        return required !== undefined ? { kind: 'import', fromFile: fileOf(stmt), specifier: required, name: '*' } : { kind: 'variable', decl: d, isConst };
      }
      if (ts.isObjectBindingPattern(d.name) && bindsName(d.name, name)) {
        // `const { X } = require('./c')` imports X; other destructuring is not followed.
        const required = requiredModule(d.initializer);
        const el = d.name.elements.find((e) => ts.isIdentifier(e.name) && e.name.text === name);
        if (required !== undefined && el) {
          const imported = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : name;
          return { kind: 'import', fromFile: fileOf(stmt), specifier: required, name: imported };
        }
        return { kind: 'other', decl: d };
      }
    }
    return undefined;
  }
  if (ts.isEnumDeclaration(stmt) && stmt.name.text === name) return { kind: 'enum', decl: stmt };
  if (ts.isClassDeclaration(stmt) && stmt.name?.text === name) return { kind: 'class', decl: stmt };
  if (ts.isFunctionDeclaration(stmt) && stmt.name?.text === name) return { kind: 'other', decl: stmt };
  if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) return importBinding(name, stmt);
  if (ts.isImportEqualsDeclaration(stmt) && stmt.name.text === name && ts.isExternalModuleReference(stmt.moduleReference)) {
    const spec = stmt.moduleReference.expression;
    if (ts.isStringLiteral(spec)) return { kind: 'import', fromFile: fileOf(stmt), specifier: spec.text, name: '*' };
  }
  return undefined;
}

function importBinding(name: string, stmt: ts.ImportDeclaration): Binding | undefined {
  const clause = stmt.importClause;
  const specifier = (stmt.moduleSpecifier as ts.StringLiteral).text;
  if (!clause) return undefined;
  if (clause.name?.text === name) return { kind: 'import', fromFile: fileOf(stmt), specifier, name: 'default' };
  const nb = clause.namedBindings;
  if (!nb) return undefined;
  if (ts.isNamespaceImport(nb)) return nb.name.text === name ? { kind: 'import', fromFile: fileOf(stmt), specifier, name: '*' } : undefined;
  for (const el of nb.elements) {
    if (el.name.text === name) return { kind: 'import', fromFile: fileOf(stmt), specifier, name: el.propertyName?.text ?? name };
  }
  return undefined;
}

function bindsName(pattern: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(pattern)) return pattern.text === name;
  return pattern.elements.some((e) => !ts.isOmittedExpression(e) && bindsName(e.name, name));
}

/** `require('x')` -> 'x'. */
export function requiredModule(init: ts.Expression | undefined): string | undefined {
  if (!init) return undefined;
  const e = unwrap(init);
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require' && e.arguments.length === 1) {
    const arg = e.arguments[0];
    if (ts.isStringLiteralLike(arg)) return arg.text;
  }
  return undefined;
}

/** What `name` exported by module `file` is bound to; '*' is the module itself. */
export function findExport(store: SourceStore, file: string, name: string, seen = new Set<string>()): Binding | undefined {
  const key = `${file}\0${name}`;
  if (seen.has(key) || seen.size > 64) return undefined;
  seen.add(key);
  if (name === '*') return { kind: 'module', file };
  const sf = store.sourceFile(file);
  if (!sf) return undefined;
  const own = ownExport(sf, name);
  if (own) return own;
  for (const spec of starModulesOf(sf)) {
    const target = store.resolveModule(file, spec);
    const b = target ? findExport(store, target, name, seen) : undefined;
    if (b) return b;
  }
  return undefined;
}

/** Every file importing a module asks it for the same few names: memoized per parsed tree (a new text is a new tree). */
const exportCache = new WeakMap<ts.SourceFile, Map<string, Binding | null>>();

/** An export declared by the module itself (not through `export * from`). */
function ownExport(sf: ts.SourceFile, name: string): Binding | undefined {
  let cache = exportCache.get(sf);
  if (!cache) {
    cache = new Map();
    exportCache.set(sf, cache);
  }
  let b = cache.get(name);
  if (b === undefined) {
    b = lookUpOwnExport(sf, name) ?? null;
    cache.set(name, b);
  }
  return b ?? undefined;
}

function lookUpOwnExport(sf: ts.SourceFile, name: string): Binding | undefined {
  const file = sf.fileName;
  for (const stmt of sf.statements) {
    if (ts.isExportDeclaration(stmt)) {
      const spec = stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : undefined;
      const clause = stmt.exportClause;
      if (!clause) continue;
      if (ts.isNamespaceExport(clause)) {
        if (clause.name.text === name && spec) return { kind: 'import', fromFile: file, specifier: spec, name: '*' };
        continue;
      }
      const el = clause.elements.find((e) => e.name.text === name);
      if (!el) continue;
      const local = el.propertyName?.text ?? name;
      return spec ? { kind: 'import', fromFile: file, specifier: spec, name: local } : bindingInScope(local, sf);
    }
    if (ts.isExportAssignment(stmt) && name === 'default') return { kind: 'expression', expr: stmt.expression };
    if (hasExportModifier(stmt)) {
      const b = bindingInStatement(name, stmt);
      if (b) return b;
    }
    const cjs = commonJsExport(stmt, name, sf);
    if (cjs) return cjs;
  }
  return undefined;
}

/** `export * from '...'` specifiers, in order. */
function starModulesOf(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const stmt of sf.statements) {
    if (ts.isExportDeclaration(stmt) && !stmt.exportClause && stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier)) out.push(stmt.moduleSpecifier.text);
  }
  return out;
}

/** `exports.X = v`, `module.exports.X = v`, `module.exports = { X: v }` / `{ X }`. */
function commonJsExport(stmt: ts.Statement, name: string, sf: ts.SourceFile): Binding | undefined {
  if (!ts.isExpressionStatement(stmt)) return undefined;
  const e = stmt.expression;
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const left = e.left.getText(sf);
  if (left === `exports.${name}` || left === `module.exports.${name}`) return { kind: 'expression', expr: e.right };
  if (left !== 'module.exports') return undefined;
  const right = unwrap(e.right);
  if (!ts.isObjectLiteralExpression(right)) return undefined;
  for (const p of right.properties) {
    if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === name) return { kind: 'expression', expr: p.initializer };
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return bindingInScope(name, sf);
  }
  return undefined;
}

/** Static text of a property name (identifier, string, number, or constant computed key). */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}
