// The analyzer's file list in path order, kept as files come and go (a new file is put in its
// place, not the whole list sorted again), and the site list that follows it.
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
  });
});
