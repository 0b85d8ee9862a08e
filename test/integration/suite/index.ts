// Runs inside VS Code's extension host (loaded through `extensionTestsPath`): mocha over the
// compiled *.test.js next to this file. Writes the counts to ../results.json for the harness;
// a rejection makes VS Code report exit code 1 to the harness.
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

export function run(): Promise<void> {
  // The extension host forwards console.log arguments unformatted; mocha relies on printf-style formatting.
  const consoleLog = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => consoleLog(format(...args));
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  for (const f of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const results = { passed: runner.stats?.passes ?? 0, failed: failures };
      writeFileSync(join(__dirname, '..', 'results.json'), JSON.stringify(results));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
