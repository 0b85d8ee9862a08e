// Turns an expression into the IR's ValueInfo (constant value, or the constant prefix and
// dynamic parts a quick fix can move into attributes, and what each part's meaning tells of
// its cardinality).

import { ts } from './tsApi';
import type { ValueInfo } from '../types';
import type { ConstantEvaluator } from './constants';
import { PartDescriber } from './nameParts';
import { rangeOf } from './syntax';

/** Longest source text kept for a value (hostile or generated code can be huge). */
const MAX_TEXT = 500;

export function valueInfo(expr: ts.Expression, evaluator: ConstantEvaluator, sf: ts.SourceFile): ValueInfo {
  const v = evaluator.evaluate(expr);
  const info: ValueInfo = { constant: v.constant, text: clip(expr.getText(sf)), range: rangeOf(expr, sf) };
  if (v.constant) info.value = v.value;
  else {
    if (v.prefix !== undefined) info.constantPrefix = v.prefix;
    // Parts from another file cannot be moved; keep only those written in this expression.
    const local = v.dynamic.filter((d) => d.getSourceFile() === sf && d.pos >= expr.pos && d.end <= expr.end);
    if (local.length) info.dynamicParts = local.map((d) => clip(d.getText(sf)));
    info.parts = new PartDescriber(evaluator).parts(v.dynamic);
  }
  return info;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
