// Does a workspace use OpenTelemetry? Decides whether `otelFlowMap.receiver.autoStart: auto`
// starts the receiver: only then is taking ports 4317/4318 (and perhaps fighting a Collector the
// user already runs) worth it. Reads dependency manifests near each folder's root, never code.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** How deep below a folder's root manifests are looked for (monorepos keep services one or two levels down). */
const MAX_DEPTH = 2;
/** Folders visited at most per workspace folder, so a huge tree costs milliseconds, not seconds. */
const MAX_DIRS = 400;
const SKIP_DIRS = new Set(['node_modules', 'vendor', 'dist', 'out', 'build', 'target', '__pycache__', 'venv', '.venv', 'site-packages']);

/** Manifest file name → what names an OpenTelemetry dependency in it. */
function patternFor(name: string): RegExp | undefined {
  if (name === 'package.json') return /"@opentelemetry\/[^"]+"\s*:/;
  if (name === 'go.mod') return /go\.opentelemetry\.io\/otel/;
  if (/^requirements.*\.txt$/i.test(name) || name === 'pyproject.toml' || name === 'Pipfile' || name === 'setup.cfg' || name === 'setup.py') {
    return /(^|["'\s,[])opentelemetry[-_][a-z]/im;
  }
  return undefined;
}

/** The first manifest found that depends on OpenTelemetry, or undefined. */
export async function findOpenTelemetryManifest(folders: readonly string[]): Promise<string | undefined> {
  for (const folder of folders) {
    const found = await searchFolder(folder);
    if (found) return found;
  }
  return undefined;
}

async function searchFolder(root: string): Promise<string | undefined> {
  let queue: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  let visited = 0;
  while (queue.length && visited < MAX_DIRS) {
    const next: typeof queue = [];
    // One level at a time, its folders read in parallel: shallow manifests win and the search stays short.
    const levels = await Promise.all(queue.splice(0, MAX_DIRS - visited).map(async ({ dir, depth }) => ({ dir, depth, entries: await readdir(dir, { withFileTypes: true }).catch(() => []) })));
    visited += levels.length;
    for (const { dir, depth, entries } of levels) {
      for (const e of entries) {
        if (e.isFile() && patternFor(e.name)) {
          const file = join(dir, e.name);
          const text = await readFile(file, 'utf8').catch(() => '');
          if (patternFor(e.name)?.test(text)) return file;
        } else if (e.isDirectory() && depth < MAX_DEPTH && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) {
          next.push({ dir: join(dir, e.name), depth: depth + 1 });
        }
      }
    }
    queue = next;
  }
  return undefined;
}
