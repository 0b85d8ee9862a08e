// The phases of the integration suite, shared by the code-server harness (harness.ts) and the
// Electron VS Code runner (electron.ts): which tests run against which workspace and settings,
// and how the tests are compiled for the extension host.
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot, type RunDirs } from './codeServer';

/** One start of VS Code running a set of extension tests (mocha inside the extension host). */
export interface SuitePhase {
  name: string;
  /** Folder under test/integration/ holding the *.test.ts files (run by suite/index.ts). */
  tests: string;
  /** The folder or .code-workspace file VS Code opens. */
  target: string;
  /** Added to the profile's user settings. */
  settings?: Record<string, unknown>;
  workspaceTrust?: boolean;
}

/** Compiles suite/index.ts and the phase's tests for the extension host: CommonJS, `vscode` from the host, mocha from node_modules. */
export async function compileSuite(dirs: RunDirs, phase: SuitePhase): Promise<string> {
  const testsDir = join(repoRoot, 'test', 'integration', phase.tests);
  const outdir = join(dirs.root, `${phase.name}-suite`);
  const mochaCjs = join(repoRoot, 'node_modules', 'mocha', 'lib', 'mocha.cjs');
  const tests = readdirSync(testsDir).filter((f) => f.endsWith('.test.ts'));
  await esbuild.build({
    // Flat output: index.js runs the *.test.js next to it.
    entryPoints: [
      { in: join(repoRoot, 'test', 'integration', 'suite', 'index.ts'), out: 'index' },
      ...tests.map((f) => ({ in: join(testsDir, f), out: f.replace(/\.ts$/, '') })),
    ],
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    external: ['vscode'],
    plugins: [{
      name: 'mocha-from-repo',
      setup: (build) => build.onResolve({ filter: /^mocha$/ }, () => ({ path: mochaCjs, external: true })),
    }],
  });
  return join(outdir, 'index.js');
}

/**
 * A multi-root workspace that is not trusted (restricted mode): analysis must still run in both
 * folders, and the receiver must stay on loopback although the user, the workspace and a folder
 * all ask for 0.0.0.0.
 */
export function restrictedPhase(dirs: RunDirs): SuitePhase {
  const root = join(dirs.root, 'multiroot');
  cpSync(join(repoRoot, 'test', 'fixtures', 'multiroot'), root, { recursive: true });
  return {
    name: 'restricted',
    tests: 'restricted',
    target: join(root, 'multiroot.code-workspace'),
    workspaceTrust: true,
    settings: {
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'never',
      'otelFlowMap.receiver.bindAddress': '0.0.0.0',
    },
  };
}

