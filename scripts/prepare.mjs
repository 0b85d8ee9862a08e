// `npm prepare`: builds dist/ when it is missing, so an install from a git checkout (pre-commit's
// hook from .pre-commit-hooks.yaml, `npm install <git url>`) gets the bundled CLI. A working tree
// that has dist/ is left alone: `npm install` there does not rebuild (`npm run build` does, and
// prepack builds for production before `npm pack` / `npm publish`).
// npm prepares a git dependency with its own `npm install`; under `npm install -g`, as pre-commit
// runs it, that install inherits global=true and leaves the checkout without node_modules, so the
// dev dependencies the build needs are installed here, into the checkout.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' && cmd === 'npm' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync('dist/cli.js')) {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    const npmCli = process.env.npm_execpath;
    const install = ['install', '--global=false', '--no-save', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund'];
    if (npmCli) run(process.execPath, [npmCli, ...install]);
    else run('npm', install);
  }
  run(process.execPath, ['esbuild.mjs', '--production']);
}
