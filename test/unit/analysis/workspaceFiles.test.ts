// The analyzer's file list in path order, kept as files come and go (a few new files are put in
// their places, not the whole list sorted again; many are sorted in), and the site list that follows it.
import assert from 'node:assert/strict';
import { WorkspaceAnalyzer } from '../../../server/src/analysis/workspace';
import { defaults } from './fixtures';

const source = (name: string) => `const tracer = trace.getTracer('t');\nexport function f() {\n  tracer.startActiveSpan('${name}', (span) => span.end());\n}\n`;

describe('analyzer file order', () => {
  it('keeps files and sites in path order as files come and go', async () => {
    const a = await WorkspaceAnalyzer.create(defaults(), ['/ws']);
    for (const f of ['m', 'b', 'x']) a.updateFile(`/ws/${f}.ts`, source(`orders.${f}`));
    assert.deepEqual(a.files(), ['/ws/b.ts', '/ws/m.ts', '/ws/x.ts']);
    const held = a.sortedPaths();
    for (const f of ['a', 'n', 'z', 'B']) a.updateFile(`/ws/${f}.ts`, source(`orders.${f}`));
    a.removeFile('/ws/m.ts');
    const expected = ['/ws/B.ts', '/ws/a.ts', '/ws/b.ts', '/ws/n.ts', '/ws/x.ts', '/ws/z.ts'];
    assert.deepEqual(a.files(), expected);
    assert.deepEqual([...expected].sort(), expected, 'the order of Array.prototype.sort');
    assert.deepEqual(held, ['/ws/b.ts', '/ws/m.ts', '/ws/x.ts'], 'a list handed out is never changed in place');
    assert.deepEqual(a.sites().map((s) => s.name?.value), ['orders.B', 'orders.a', 'orders.b', 'orders.n', 'orders.x', 'orders.z']);
    // Many files at once (a scan) are sorted in, not inserted one by one; one that came and went is not there.
    const many = Array.from({ length: 50 }, (_, i) => `/ws/g${String(49 - i).padStart(2, '0')}.ts`);
    for (const f of many) a.updateFile(f, source('orders.g'));
    a.updateFile('/ws/gone.ts', source('orders.gone'));
    a.removeFile('/ws/gone.ts');
    assert.deepEqual(a.files(), [...expected, ...many].sort());
  });
});
