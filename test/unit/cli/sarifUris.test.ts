// SARIF locations are URIs: the root as a file URI ending with `/`, each file relative to it with
// every segment escaped, so a viewer resolving one against the other finds the file again.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSarif } from '../../../server/src/cli/sarif';

interface SarifLog {
  runs: { originalUriBaseIds: { SRCROOT: { uri: string } }; results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
}

describe('SARIF file URIs', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ofm sarif #1 '));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('resolve back to the file for names with spaces, #, ? and %', () => {
    const file = join(dir, 'src #2', 'odd name?%.ts');
    mkdirSync(join(dir, 'src #2'));
    writeFileSync(file, "tracer.startSpan('handler');\n");
    const range = { start: { line: 0, character: 17 }, end: { line: 0, character: 26 } };
    const report = { items: [{ rule: 'generic-name', severity: 'warning' as const, file, range, message: 'generic' }], files: [file], siteCount: 1, errors: 0, warnings: 1, reportsUnused: false };
    const [run] = (JSON.parse(formatSarif(report, dir)) as SarifLog).runs;
    const root = run.originalUriBaseIds.SRCROOT.uri;
    assert.match(root, /^file:\/\/\/.*\/$/);
    assert.equal(fileURLToPath(root), `${dir}/`);
    const uri = run.results[0].locations[0].physicalLocation.artifactLocation.uri;
    assert.equal(uri, 'src%20%232/odd%20name%3F%25.ts');
    assert.equal(fileURLToPath(new URL(uri, root)), file);
  });
});
