// Names that are parameters: a helper such as `withSpan(name, fn)` forwards whatever its callers
// pass to the tracer, so its own body is the wrong place for a finding. The value is judged at the
// calls of the helper (and of a function that passes its own parameter on to it: two levels up),
// and a finding is reported at the call that passes an unbounded value, with the span site as
// related information. Results of `callsTo` are cached per file and dropped when the file changes.

import type { AnalysisSettings, RuleId } from '../../../common/src/settings';
import { flowKeys } from '../../../common/src/semconv';
import { parameterParts } from './cardinality';
import { flowAdvice, severityOf, unboundedNameMessage } from './rules';
import type { Callable, Finding, LanguageFrontEnd, PassedArgument, RelatedLocation, SpanSite, ValueInfo } from './types';

/**
 * Methods named like a tracer's own span methods: a class that defines one (a tracer wrapper or
 * replay-safe tracer) shares the name with every real tracer and every other SDK, so its calls
 * cannot be told apart by name; they are left to the span rules.
 */
const TRACER_METHOD_NAMES = new Set(['startSpan', 'startActiveSpan', 'start_span', 'start_as_current_span', 'Start', 'StartSpan']);

/** How many functions up from the span site a parameter is followed. */
const MAX_LEVELS = 2;

interface Helper {
  frontEnd: LanguageFrontEnd;
  callee: Callable;
  index: number;
  rule: RuleId;
  /** "Span name" / "The flow name": how the finding names the value. */
  what: string;
  related: RelatedLocation[];
  level: number;
}

const NO_CALLS: PassedArgument[] = [];
const NO_FINDINGS: readonly Finding[] = [];

export interface WorkspaceView {
  files(): string[];
  frontEndOf(file: string): LanguageFrontEnd | undefined;
  sitesOf(file: string): SpanSite[];
  settingsOf(file: string): AnalysisSettings;
}

export class PassThroughIndex {
  private readonly calls = new Map<string, Map<string, PassedArgument[]>>();
  private findings: Map<string, Finding[]> | undefined;
  /** Level-1 helpers per file (only files that have some); rebuilt for the files that changed. */
  private readonly helpersByFile = new Map<string, Helper[]>();
  private readonly dirty = new Set<string>();
  private allDirty = true;
  /** The workspace's files by front-end, in path order; rebuilt when a file comes or goes. */
  private filesByFrontEnd: Map<LanguageFrontEnd, string[]> | undefined;

  constructor(private readonly workspace: WorkspaceView) {}

  /**
   * A file changed (`structural`: or came or went): its calls and its own helpers are read again,
   * and every finding is recomputed. A parameter part depends only on its own file, so other
   * files' helpers stay as they are.
   */
  invalidate(file: string, structural: boolean): void {
    this.calls.delete(file);
    this.dirty.add(file);
    this.findings = undefined;
    if (structural) this.filesByFrontEnd = undefined;
  }

  /** Settings changed: severities and the flow prefix may differ. */
  invalidateAll(): void {
    this.findings = undefined;
    this.allDirty = true;
  }

  /** The same array until something changes, so callers can tell whether to republish. */
  findingsOf(file: string): readonly Finding[] {
    this.findings ??= this.compute();
    return this.findings.get(file) ?? NO_FINDINGS;
  }

  private compute(): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    const byFrontEnd = this.files();
    this.refreshHelpers();
    const seen = new Set<string>();
    const level1 = [...this.helpersByFile].sort((a, b) => (a[0] < b[0] ? -1 : 1)).flatMap(([, hs]) => hs);
    let helpers = level1.filter((h) => !seen.has(helperKey(h)) && seen.add(helperKey(h)));
    while (helpers.length > 0) {
      const next: Helper[] = [];
      for (const helper of helpers) {
        for (const file of byFrontEnd.get(helper.frontEnd) ?? []) {
          for (const call of this.callsIn(file, helper)) {
            this.judge(helper, call, out);
            if (helper.level < MAX_LEVELS) next.push(...this.passedOn(helper, call).filter((h) => !seen.has(helperKey(h)) && seen.add(helperKey(h))));
          }
        }
      }
      helpers = next;
    }
    return out;
  }

  private files(): Map<LanguageFrontEnd, string[]> {
    if (this.filesByFrontEnd) return this.filesByFrontEnd;
    const byFrontEnd = new Map<LanguageFrontEnd, string[]>();
    for (const file of this.workspace.files().sort()) {
      const fe = this.workspace.frontEndOf(file);
      if (!fe?.callsTo) continue;
      const list = byFrontEnd.get(fe);
      if (list) list.push(file);
      else byFrontEnd.set(fe, [file]);
    }
    return (this.filesByFrontEnd = byFrontEnd);
  }

  private refreshHelpers(): void {
    const files = this.allDirty ? [...this.files().values()].flat() : [...this.dirty];
    if (this.allDirty) this.helpersByFile.clear();
    for (const file of files) {
      const helpers = this.siteHelpers(file);
      if (helpers.length) this.helpersByFile.set(file, helpers);
      else this.helpersByFile.delete(file);
    }
    this.dirty.clear();
    this.allDirty = false;
  }

  /** Level 1: sites whose name or flow value has a parameter part still undecided. */
  private siteHelpers(file: string): Helper[] {
    const helpers: Helper[] = [];
    const frontEnd = this.workspace.frontEndOf(file);
    if (frontEnd?.callsTo) {
      const keys = flowKeys(this.workspace.settingsOf(file).attributePrefix);
      for (const site of this.workspace.sitesOf(file)) {
        if (!site.enclosing || (site.enclosing.method && TRACER_METHOD_NAMES.has(site.enclosing.name))) continue;
        const values: [ValueInfo, RuleId, string][] = [];
        if (site.name) values.push([site.name, 'dynamic-span-name', 'Span name']);
        for (const a of site.attributes) {
          if (a.key === keys.name) values.push([a.value, 'dynamic-flow-name', 'The flow name']);
          else if (a.key === keys.step) values.push([a.value, 'dynamic-flow-name', 'The flow step']);
        }
        for (const [value, rule, what] of values) {
          for (const part of parameterParts(value)) {
            const related = [{ file, range: value.range, message: `${what === 'Span name' ? 'The span name' : what} is built from parameter '${part.param!.name}' here.` }];
            helpers.push({ frontEnd, callee: site.enclosing, index: part.param!.index, rule, what, related, level: 1 });
          }
        }
      }
    }
    return helpers;
  }

  /** A call whose argument is itself a parameter of the caller: the caller's callers decide. */
  private passedOn(helper: Helper, call: PassedArgument): Helper[] {
    if (!call.enclosing) return [];
    return parameterParts(call.value).map((part) => ({
      ...helper,
      callee: call.enclosing!,
      index: part.param!.index,
      related: [...helper.related, { file: call.file, range: call.value.range, message: `Parameter '${part.param!.name}' is passed on here.` }],
      level: helper.level + 1,
    }));
  }

  private judge(helper: Helper, call: PassedArgument, out: Map<string, Finding[]>): void {
    const settings = this.workspace.settingsOf(call.file);
    const severity = severityOf(helper.rule, settings);
    if (severity === 'off') return;
    const advice = helper.rule === 'dynamic-span-name' ? 'span names must be low-cardinality; pass a constant name and put the variable part in an attribute.' : flowAdvice(settings);
    const message = unboundedNameMessage(`${helper.what} passed as`, call.value, advice);
    if (!message) return;
    const list = out.get(call.file) ?? [];
    list.push({ rule: helper.rule, severity, file: call.file, range: call.value.range, message, fixes: [], related: helper.related });
    out.set(call.file, list);
  }

  private callsIn(file: string, helper: Helper): PassedArgument[] {
    let byHelper = this.calls.get(file);
    if (!byHelper) this.calls.set(file, (byHelper = new Map<string, PassedArgument[]>()));
    const key = helperKey(helper);
    let found = byHelper.get(key);
    if (!found) {
      found = helper.frontEnd.callsTo?.(file, helper.callee, helper.index) ?? NO_CALLS;
      byHelper.set(key, found.length ? found : NO_CALLS);
    }
    return found;
  }
}

function helperKey(h: Helper): string {
  return `${h.frontEnd.extensions[0]}|${h.callee.dir ?? ''}|${h.callee.method ? '.' : ''}${h.callee.name}|${h.index}`;
}
