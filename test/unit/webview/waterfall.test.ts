import assert from 'node:assert/strict';
import type { TraceSpan } from '../../../common/src/traces';
import { sanitizeTrace, sanitizeTraceList, traceSourceOf } from '../../../webview/src/traceData';
import { mergeTraceLists } from '../../../webview/src/tracesQuery';
import { axisTicks, buildWaterfall, exceptionOf, visibleRows } from '../../../webview/src/waterfall';
import { tickLabel } from '../../../webview/src/views/waterfallRows';
import { CHARGE_SPAN, checkoutTrace, demoTraceList, PUBLISH_SPAN } from '../../webview/support/demoTrace';

const span = (spanId: string, parentSpanId: string | undefined, startMs: number, durationMs: number, service = 'a'): TraceSpan => ({ spanId, parentSpanId, name: spanId, service, kind: 'internal', startMs, durationMs, status: 'unset', attributes: {}, events: [], links: [] });
const trace = (spans: TraceSpan[]) => ({ traceId: 'f'.repeat(32), spans, logs: [] });

describe('waterfall rows of a trace', () => {
  it('puts spans in tree order, children by start time, with depth, parent and service colour', () => {
    const wf = buildWaterfall(trace([span('c2', 'r', 50, 10, 'b'), span('r', undefined, 0, 100), span('c1', 'r', 10, 30, 'b'), span('g', 'c1', 12, 5, 'c')]));
    assert.deepEqual(wf.rows.map((r) => [r.span.spanId, r.depth, r.parent]), [['r', 0, -1], ['c1', 1, 0], ['g', 2, 1], ['c2', 1, 0]]);
    assert.deepEqual(wf.rows.map((r) => r.colour), [0, 1, 2, 1]);
    assert.deepEqual(wf.services, ['a', 'b', 'c']);
    assert.deepEqual(wf.rows[0].children, [1, 3]);
    assert.equal(wf.durationMs, 100);
    assert.equal(wf.rows[3].offsetMs, 50);
  });

  it('shows a span whose parent never arrived at the top level, marked, and survives a parent cycle', () => {
    const wf = buildWaterfall(trace([span('r', undefined, 0, 10), span('o', 'missing', 5, 1), span('x', 'y', 1, 1), span('y', 'x', 1, 1), span('s', 's', 2, 1)]));
    const orphan = wf.rows.find((r) => r.span.spanId === 'o')!;
    assert.equal(orphan.depth, 0);
    assert.equal(orphan.orphan, true);
    assert.deepEqual(wf.rows.map((r) => r.span.spanId).sort(), ['o', 'r', 's', 'x', 'y']);
  });

  it('marks the critical path: sequential children, not the parallel one that finished earlier', () => {
    // r: [0,100]; a [0,40] then b [45,95] in sequence; p [50,70] runs beside b.
    const wf = buildWaterfall(trace([span('r', undefined, 0, 100), span('a', 'r', 0, 40), span('b', 'r', 45, 50), span('p', 'r', 50, 20)]));
    const critical = Object.fromEntries(wf.rows.map((r) => [r.span.spanId, r.critical]));
    assert.deepEqual(critical, { r: true, a: true, b: true, p: false });
  });

  it('reads exceptions from span events and attaches logs to their spans', () => {
    const wf = buildWaterfall(checkoutTrace());
    const charge = wf.rows.find((r) => r.span.spanId === CHARGE_SPAN)!;
    assert.equal(charge.exceptions.length, 1);
    assert.equal(charge.exceptions[0].type, 'CardDeclinedError');
    assert.equal(charge.exceptions[0].message, 'card_declined: insufficient funds');
    assert.match(charge.exceptions[0].stacktrace, /at chargeCard/);
    assert.deepEqual(charge.logs.map((l) => l.severity), ['WARN', 'ERROR']);
    assert.equal(wf.errorCount, 9);
    assert.equal(exceptionOf({ name: 'retry', timeMs: 0, attributes: {} }), null);
    // The reservation runs beside the charge: off the critical path; the publish after it is on it.
    assert.equal(wf.rows.find((r) => r.span.name === 'inventory.reserve_stock')!.critical, false);
    assert.equal(wf.rows.find((r) => r.span.spanId === PUBLISH_SPAN)!.critical, true);
  });

  it('hides the descendants of collapsed spans', () => {
    const wf = buildWaterfall(trace([span('r', undefined, 0, 100), span('a', 'r', 0, 40), span('g', 'a', 1, 2), span('b', 'r', 45, 50)]));
    assert.deepEqual(visibleRows(wf.rows, new Set(['a'])).map((i) => wf.rows[i].span.spanId), ['r', 'a', 'b']);
    assert.deepEqual(visibleRows(wf.rows, new Set(['r'])).map((i) => wf.rows[i].span.spanId), ['r']);
  });

  it('gives round axis ticks up to the duration', () => {
    assert.deepEqual(axisTicks(412), [0, 100, 200, 300, 400]);
    assert.deepEqual(axisTicks(1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(axisTicks(0), [0]);
    assert.ok(axisTicks(73_000).length <= 7);
    assert.deepEqual(axisTicks(134).map((t) => tickLabel(t, 134)), ['0', '25 ms', '50 ms', '75 ms', '100 ms', '125 ms']);
    assert.deepEqual(axisTicks(1517).map((t) => tickLabel(t, 1517)), ['0', '0.5 s', '1 s', '1.5 s']);
  });
});

describe('trace answers from the host, checked on entry', () => {
  it('drops malformed spans, events, links and logs and keeps strings as strings', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const t = sanitizeTrace({
      traceId: 'a'.repeat(32),
      spans: [
        { spanId: 's1', name: hostile, service: 7, startMs: 'x', durationMs: -5, status: 'error', attributes: { ok: 1, bad: { x: 1 }, n: Infinity }, events: [null, { name: 'exception', timeMs: 3, attributes: { 'exception.message': hostile } }], links: [{ traceId: 'nope', spanId: 'x' }, { traceId: 'b'.repeat(32), spanId: 's9', attributes: {} }], code: { file: '/src/a.ts', line: 0 } },
        { name: 'no id' },
        'junk',
      ],
      logs: [{ timeMs: 1, severity: 'ERROR', body: 'boom', spanId: 's1' }, 42],
    })!;
    assert.equal(t.spans.length, 1);
    const s = t.spans[0];
    assert.equal(s.name, hostile);
    assert.equal(s.service, '(unknown service)');
    assert.equal(s.startMs, 0);
    assert.equal(s.durationMs, 0);
    assert.deepEqual(s.attributes, { ok: 1 });
    assert.equal(s.events.length, 1);
    assert.deepEqual(s.links.map((l) => l.traceId), ['b'.repeat(32)]);
    assert.deepEqual(s.code, { file: '/src/a.ts', line: 1, source: 'runtime' });
    assert.equal(t.logs.length, 1);
    assert.equal(sanitizeTrace(null), null);
    assert.equal(sanitizeTrace({ traceId: 'x', spans: [] }), null);
  });

  it('keeps where a list or trace came from', () => {
    assert.equal(traceSourceOf({ traces: [], source: 'jaeger' }), 'jaeger');
    assert.equal(traceSourceOf({ traces: [] }), null);
    assert.equal(sanitizeTrace({ traceId: 'a'.repeat(32), spans: [], logs: [], source: 'jaeger' })!.source, 'jaeger');
  });

  it('counts spans beyond the cap as missing', () => {
    const spans = Array.from({ length: 2100 }, (_, i) => ({ spanId: `s${i}`, name: 'n', service: 'a', startMs: i, durationMs: 1 }));
    const t = sanitizeTrace({ traceId: 'a'.repeat(32), spans, logs: [], missingSpans: 3 })!;
    assert.equal(t.spans.length, 2000);
    assert.equal(t.missingSpans, 103);
  });

  it('lists failing traces first, then the slowest, once each', () => {
    const list = sanitizeTraceList({ traces: [...demoTraceList(), { traceId: 'bad' }] });
    assert.equal(list.length, 4);
    const merged = mergeTraceLists([list.slice(2), list, list.slice(0, 1)]);
    assert.deepEqual(merged.map((t) => t.durationMs), [412, 187, 96, 41]);
    assert.equal(merged[0].errorCount, 9);
  });
});
