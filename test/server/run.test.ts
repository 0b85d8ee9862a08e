// `otel-flow-map run -- <command>`: the command's real OTel SDK exports to a running `serve`, or to
// a `serve` that run starts for it; plus the argument and environment rules.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Graph } from '../../common/src/graph';
import { parseRunArgs, runEnvironment } from '../../server/src/cli/run';
import { waitFor } from '../support/waitFor';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

/** A program whose OpenTelemetry SDK is configured by the environment alone (no URL in code). */
const app = (service: string, verify: boolean) => `
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': '${service}' }), spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())] });
provider.getTracer('run-test').startSpan('run.work').end();
provider.shutdown().then(async () => {
  if (!${verify}) return;
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    const g = await (await fetch(process.env.OTEL_FLOW_MAP_URL + 'api/graph')).json();
    if (g.nodes.some((n) => n.name === '${service}')) process.exit(0);
    await new Promise((r) => setTimeout(r, 100));
  }
  process.exit(3);
});`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'run', ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('otel-flow-map run', function () {
  this.timeout(60_000);

  before(function () {
    if (!existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (node esbuild.mjs)`);
  });

  it('parses options before -- and the command after it', () => {
    assert.deepEqual(parseRunArgs(['--http-port', '5000', '--', 'node', 'app.js', '--port', '1'], {}), { httpPort: 5000, uiPort: 4320, token: '', keep: false, command: ['node', 'app.js', '--port', '1'] });
    assert.deepEqual(parseRunArgs(['--keep', 'node', '-e', '1'], {}), { httpPort: 4318, uiPort: 4320, token: '', keep: true, command: ['node', '-e', '1'] });
    assert.deepEqual(parseRunArgs(['--token', 't', '--'], {}), { error: 'no command: put it after --, e.g. otel-flow-map run -- node app.js' });
    assert.equal(parseRunArgs(['-h'], {}), 'help');
    assert.ok('error' in (parseRunArgs(['--http-port', 'x', '--', 'a'], {}) as object));
  });

  it('sets the OTLP variables over inherited ones, with the token as headers', () => {
    const env = runEnvironment({ PATH: '/bin', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://elsewhere', OTEL_EXPORTER_OTLP_HEADERS: 'x=y' }, '127.0.0.1:4318', 't k', 'http://127.0.0.1:4320/');
    assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318');
    assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.equal(env.OTEL_EXPORTER_OTLP_HEADERS, 'Authorization=Bearer%20t%20k');
    assert.equal(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, undefined);
    assert.equal(env.OTEL_FLOW_MAP_URL, 'http://127.0.0.1:4320/');
    assert.equal(env.PATH, '/bin');
  });

  describe('with a serve running', () => {
    let serve: ChildProcess;
    let addr: { http: string; ui: string };
    before(async () => {
      serve = spawn(process.execPath, [CLI, 'serve', '--grpc-port', '0', '--http-port', '0', '--ui-port', '0', '--workspace', mkdtempSync(join(tmpdir(), 'ofm-empty-'))], { stdio: ['ignore', 'pipe', 'ignore'] });
      addr = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: serve.stdout! }).once('line', resolve))) as typeof addr;
    });
    after(() => {
      if (serve.exitCode === null) serve.kill('SIGKILL');
    });

    it("finds it by its map port and the command's spans appear in its map", async () => {
      const { code, stderr } = await runCli(['--ui-port', new URL(addr.ui).port, '--http-port', String(await freePort()), '--', process.execPath, '-e', app('run-app-found', false)]);
      assert.equal(code, 0, stderr);
      assert.match(stderr, new RegExp(`exporting to http://${addr.http}`));
      await waitFor('run-app-found in the map', async () => ((await (await fetch(`${addr.ui}api/graph`)).json()) as Graph).nodes.some((n) => n.name === 'run-app-found'));
    });
  });

  it('starts a serve for the command when none answers, and exits with its code', async () => {
    const { code, stderr } = await runCli(['--ui-port', String(await freePort()), '--http-port', String(await freePort()), '--', process.execPath, '-e', app('run-app-started', true)]);
    assert.match(stderr, /serve started for this command/);
    assert.equal(code, 0, stderr);
    const failed = await runCli(['--ui-port', String(await freePort()), '--http-port', String(await freePort()), '--', process.execPath, '-e', 'process.exit(7)']);
    assert.equal(failed.code, 7);
  });
});
