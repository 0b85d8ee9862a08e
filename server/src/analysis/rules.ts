// The rules: language-neutral checks of one SpanSite (from any front-end) under the current
// settings, each finding with its quick fixes. Rule ids and default severities live in
// common/src/settings.ts; their documentation in docs/rules.md.

import { DEFAULT_SEVERITIES, type AnalysisSettings, type RuleId, type Severity } from '../../../common/src/settings';
import {
  DB_OPERATION_KEYS, DB_QUERY_TEXT_KEYS, DB_SYSTEM_KEYS, ENTITY_ID_KEY, MESSAGING_DESTINATION_KEYS, MESSAGING_OPERATION_KEYS,
  MESSAGING_SYSTEM_KEYS, dbRelation, dbRelationFromQuery, flowKeys, isDbSessionOperation, messagingRelation,
} from '../../../common/src/semconv';
import { unboundedPart } from './cardinality';
import { findIdInName, removeIdFromName } from './names';
import { deriveName, quoteLike, stablePrefix } from './naming';
import type { AttributeInfo, Finding, Fix, Range, RelatedLocation, SpanSite, TextEdit, ValueInfo } from './types';

type Emit = (rule: RuleId, range: Range, message: string, fixes?: Fix[], related?: RelatedLocation[]) => void;

export function evaluateSite(site: SpanSite, settings: AnalysisSettings): Finding[] {
  const findings: Finding[] = [];
  const emit: Emit = (rule, range, message, fixes = [], related) => {
    const severity = severityOf(rule, settings);
    if (severity === 'off') return;
    const finding: Finding = { rule, severity, file: site.file, range, message, fixes };
    if (related?.length) finding.related = related;
    findings.push(finding);
  };
  const keys = flowKeys(settings.attributePrefix);
  const head = site.headRange ?? site.range;
  const byKey = (k: string) => site.attributes.filter((a) => a.key === k);
  const hasAny = (ks: readonly string[]) => ks.some((k) => byKey(k).length > 0);

  if (site.name) checkSpanName(site, site.name, settings, emit);
  for (const rename of site.renames ?? []) checkSpanName(site, rename, settings, emit);
  const flows = byKey(keys.name);
  const steps = byKey(keys.step);
  for (const a of [...flows, ...steps]) checkFlowValue(site, a, a.key === keys.name ? 'flow name' : 'flow step', settings, emit);
  if (steps.length > 0 && flows.length === 0) {
    emit('flow-step-without-flow', head, `This span sets ${keys.step} but no ${keys.name}: a step only means something inside a flow.`);
  }
  if (flows.length > 0 && !hasAny([keys.runId])) {
    emit('flow-missing-run-id', head, `This span sets ${keys.name} but no ${keys.runId}: runs of the flow cannot be told apart.`);
  }
  for (const a of byKey(keys.runId)) {
    if (a.value.constant) emit('constant-run-id', a.value.range, `${keys.runId} is the constant ${JSON.stringify(a.value.value)}: a run id identifies one execution and should be dynamic.`);
  }
  checkDb(site, emit);
  checkMessaging(site, head, emit);
  findings.push(...evaluateEnd(site, settings));
  return findings;
}

/** span-not-ended alone: what is judged on spans that project helpers return (LanguageFrontEnd.helperSpansOf). */
export function evaluateEnd(site: SpanSite, settings: AnalysisSettings): Finding[] {
  if (site.ended !== false) return [];
  const severity = severityOf('span-not-ended', settings);
  if (severity === 'off') return [];
  const finding: Finding = {
    rule: 'span-not-ended', severity, file: site.file, range: site.headRange ?? site.range,
    message: `This span is not ended on every path: ${END_ADVICE[site.language]}.`, fixes: site.endFix ? [site.endFix] : [],
  };
  if (site.leak) finding.related = [{ file: site.file, range: site.leak, message: 'This path leaves without ending the span.' }];
  return [finding];
}

/** How each language ends a span on every path. */
const END_ADVICE: Record<SpanSite['language'], string> = {
  typescript: 'end it in a finally block, or use startActiveSpan',
  javascript: 'end it in a finally block, or use startActiveSpan',
  python: 'use `with tracer.start_as_current_span(...) as span:`, or end it in a finally block',
  go: 'add `defer span.End()` right after Start',
};

export const SEVERITY_LEVELS: readonly Severity[] = ['error', 'warning', 'information', 'hint', 'off'];

export function severityOf(rule: RuleId, settings: AnalysisSettings): Severity {
  const s = settings.severities[rule];
  return s && SEVERITY_LEVELS.includes(s) ? s : DEFAULT_SEVERITIES[rule];
}

/** The message of a name with an unbounded part, or undefined when every part is bounded or unknown. */
export function unboundedNameMessage(what: string, value: ValueInfo, advice: string): string | undefined {
  const found = unboundedPart(value);
  if (!found) return undefined;
  const part = found.part.text === value.text ? '' : ` through ${code(found.part.text)}`;
  return `${what} ${code(value.text)} varies with ${found.reason}${part}: ${advice}`;
}

const SPAN_NAME_ADVICE = 'span names must be low-cardinality; put the variable part in an attribute.';

function checkSpanName(site: SpanSite, name: ValueInfo, settings: AnalysisSettings, emit: Emit): void {
  if (!name.constant) {
    const message = unboundedNameMessage('Span name', name, SPAN_NAME_ADVICE);
    if (message) emit('dynamic-span-name', name.range, message);
    return;
  }
  const value = String(name.value);
  const id = findIdInName(value);
  if (id) emit('id-in-name', name.range, `Span name ${JSON.stringify(value)} embeds ${id}: names must not carry IDs.`, removeIdFixes(site, name, site.attributes.find((a) => a.insertSibling), [ENTITY_ID_KEY], 'span'));
  else if (isGeneric(value, settings)) emit('generic-name', name.range, `Span name ${JSON.stringify(value)} is too generic to tell spans apart.`, renameFixes(site, name, settings, false, 'span'));
}

/** One finding per flow name / step value: the first of dynamic, id-in-name, generic-name, flow-name-format. */
function checkFlowValue(site: SpanSite, attr: AttributeInfo, what: string, settings: AnalysisSettings, emit: Emit): void {
  const v = attr.value;
  if (!v.constant) {
    const message = unboundedNameMessage(`The ${what}`, v, flowAdvice(settings));
    if (message) emit('dynamic-flow-name', v.range, message, moveDynamicPartFixes(site, attr, settings));
    return;
  }
  const value = String(v.value);
  const id = findIdInName(value);
  if (id) emit('id-in-name', v.range, `The ${what} ${JSON.stringify(value)} embeds ${id}: names must not carry IDs.`, removeIdFixes(site, v, attr, runIdKeys(settings), what));
  else if (isGeneric(value, settings)) emit('generic-name', v.range, `The ${what} ${JSON.stringify(value)} is too generic.`, renameFixes(site, v, settings, true, what));
  else if (!namePattern(settings).test(value)) {
    emit('flow-name-format', v.range, `The ${what} ${JSON.stringify(value)} does not match the naming pattern ${settings.namePattern} (e.g. checkout.place_order).`);
  }
}

function checkDb(site: SpanSite, emit: Emit): void {
  const ops = site.attributes.filter((a) => a.key !== null && (DB_OPERATION_KEYS as readonly string[]).includes(a.key));
  for (const a of ops) {
    if (a.value.constant && dbRelation(String(a.value.value)) === undefined && !isDbSessionOperation(String(a.value.value))) {
      emit('db-operation-unknown', a.value.range, `Database operation ${JSON.stringify(a.value.value)} is not known as a read or a write: the map cannot draw the edge (use e.g. select, insert, update, delete).`);
    }
  }
  if (ops.length > 0 || !site.attributes.some((a) => a.key !== null && (DB_SYSTEM_KEYS as readonly string[]).includes(a.key))) return;
  for (const a of site.attributes) {
    if (a.key === null || !(DB_QUERY_TEXT_KEYS as readonly string[]).includes(a.key) || !a.value.constant) continue;
    if (dbRelationFromQuery(String(a.value.value)) === undefined) {
      emit('db-operation-unknown', a.value.range, `No db operation is set and the query's first keyword is not a known read or write: set ${DB_OPERATION_KEYS[0]}.`);
    }
  }
}

function checkMessaging(site: SpanSite, head: Range, emit: Emit): void {
  const has = (ks: readonly string[]) => site.attributes.some((a) => a.key !== null && ks.includes(a.key));
  for (const a of site.attributes) {
    if (a.key === null || !(MESSAGING_OPERATION_KEYS as readonly string[]).includes(a.key) || !a.value.constant) continue;
    if (messagingRelation(String(a.value.value)) === undefined) {
      emit('messaging-operation-unknown', a.value.range, `Messaging operation ${JSON.stringify(a.value.value)} is not known as publish or consume (use e.g. publish, send, receive, process).`);
    }
  }
  if (has(MESSAGING_SYSTEM_KEYS) && !has(MESSAGING_DESTINATION_KEYS)) {
    emit('messaging-missing-destination', head, `This span sets messaging.system without ${MESSAGING_DESTINATION_KEYS[0]}: the map cannot place the queue or topic.`);
  }
}

/** Source text quoted as code, unless it already reads as code (a template literal). */
function code(text: string): string {
  return text.includes('`') ? text : `\`${text}\``;
}

function isGeneric(value: string, settings: AnalysisSettings): boolean {
  const v = value.trim().toLowerCase();
  return settings.genericNames.some((g) => g.toLowerCase() === v);
}

const patternCache = new Map<string, RegExp>();
function namePattern(settings: AnalysisSettings): RegExp {
  let re = patternCache.get(settings.namePattern);
  if (!re) {
    try {
      re = new RegExp(settings.namePattern);
    } catch {
      re = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/; // an invalid user pattern falls back to the default
    }
    patternCache.set(settings.namePattern, re);
  }
  return re;
}

/** Rename a generic name to one derived from the enclosing function (`OrderService.placeOrder` -> `order_service.place_order`). */
function renameFixes(site: SpanSite, value: ValueInfo, settings: AnalysisSettings, mustMatchPattern: boolean, what: string): Fix[] {
  if (!site.enclosingFunction) return [];
  const derived = deriveName(site.enclosingFunction);
  if (!derived || isGeneric(derived, settings) || (mustMatchPattern && !namePattern(settings).test(derived))) return [];
  return [{ title: `Rename ${what} to '${derived}' (after ${site.enclosingFunction})`, preferred: true, edits: [{ range: value.range, newText: quoteLike(derived, value.text, site.language) }] }];
}

export function flowAdvice(settings: AnalysisSettings): string {
  return `flows are grouped by name, so IDs belong in ${flowKeys(settings.attributePrefix).runId} or ${ENTITY_ID_KEY}.`;
}

function runIdKeys(settings: AnalysisSettings): string[] {
  return [flowKeys(settings.attributePrefix).runId, ENTITY_ID_KEY];
}

/** Keep the stable prefix of a dynamic flow name and move its dynamic part into run_id / entity.id. */
function moveDynamicPartFixes(site: SpanSite, attr: AttributeInfo, settings: AnalysisSettings): Fix[] {
  const v = attr.value;
  const stable = v.constantPrefix !== undefined ? stablePrefix(v.constantPrefix) : '';
  if (!stable) return [];
  const part = v.dynamicParts?.[v.dynamicParts.length - 1];
  const keep: Fix = { title: `Keep the stable prefix '${stable}'`, edits: [{ range: v.range, newText: quoteLike(stable, v.text, site.language) }] };
  if (!part || !attr.insertSibling) return [keep];
  return moveIntoAttributeFixes(site, v, stable, part, attr, runIdKeys(settings), true);
}

/**
 * Strip the ID from a constant name written as a plain literal (a named constant is left alone:
 * editing its use would not change its other uses), and offer to move the ID into `keys`.
 */
function removeIdFixes(site: SpanSite, v: ValueInfo, anchor: AttributeInfo | undefined, keys: string[], what: string): Fix[] {
  const value = String(v.value);
  const removed = removeIdFromName(value);
  if (!removed || !/^['"`]/.test(v.text) || v.text.slice(1, -1) !== value) return [];
  const { stable, id } = removed;
  const remove: Fix = { title: `Rename ${what} to '${stable}' (without the ID)`, preferred: true, edits: [{ range: v.range, newText: quoteLike(stable, v.text, site.language) }] };
  if (!anchor?.insertSibling) return [remove];
  return [remove, ...moveIntoAttributeFixes(site, v, stable, quoteLike(id, v.text, site.language), anchor, keys, false)];
}

/**
 * The "keep the stable part, move the variable part into an attribute" fixes: `v` becomes the
 * `stable` literal and `part` (source text) is added next to `anchor` under each key of `keys`
 * the span does not set yet.
 */
function moveIntoAttributeFixes(site: SpanSite, v: ValueInfo, stable: string, part: string, anchor: AttributeInfo, keys: string[], preferFirst: boolean): Fix[] {
  const sibling = anchor.insertSibling;
  if (!sibling) return [];
  const literal = quoteLike(stable, v.text, site.language);
  const fixes: Fix[] = [];
  const present = new Set(site.attributes.map((a) => a.key));
  for (const key of keys) {
    if (present.has(key)) continue;
    const insertText = sibling.template.replace('{key}', () => quoteLike(key, v.text, site.language)).replace('{value}', () => part);
    const at = sibling.position;
    const adjacent = at.line === v.range.end.line && at.character === v.range.end.character;
    const edits: TextEdit[] = adjacent ? [{ range: v.range, newText: literal + insertText }] : [{ range: v.range, newText: literal }, { range: { start: at, end: at }, newText: insertText }];
    fixes.push({ title: `Keep '${stable}' and move ${code(part)} into ${key}`, edits, preferred: preferFirst && fixes.length === 0 });
  }
  return fixes;
}
