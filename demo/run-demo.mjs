// `npm run demo`: a handful of instrumented sample services (web, checkout, payments, inventory,
// notifications, billing) that keep sending traces. When an OTel Flow Map receiver already answers
// on the OTLP/HTTP port (the editor's, or a `serve`), they send to it, so the editor's map shows
// them; otherwise the demo starts its own `otel-flow-map serve` with the map in the browser.
// Ports: OTEL_FLOW_MAP_GRPC_PORT / OTEL_FLOW_MAP_HTTP_PORT / OTEL_FLOW_MAP_UI_PORT, defaults
// 4317 / 4318 / 4320; a port another program holds falls back to any free one.
// DEMO_ORDERS_PER_SECOND sets the load. Ctrl-C stops everything.
// `npm run demo -- --team`: the same services through the team stack (scripts/team-stack.sh: a real
// Collector, Prometheus and Jaeger, built the first time): a `serve` takes the traffic and forwards
// it to the Collector, Prometheus scrapes that serve and the Collector, and the map opens on a
// second `serve` that has no traffic of its own: its graph from that Prometheus, its traces from
// that Jaeger (docs/team.md).
import { execFileSync, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startTraffic } from './services/traffic.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function pickPort(envName, fallback) {
  const wanted = Number(process.env[envName] ?? fallback);
  if (!Number.isInteger(wanted) || wanted < 0) return 0;
  return wanted === 0 || (await isFree(wanted)) ? wanted : 0;
}

/** True when an OTel Flow Map receiver answers GET /api/graph on the port (its read API). */
function flowMapReceiverAt(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/graph', timeout: 1500 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c.length + body.length > 1e7 ? '' : c));
      res.on('end', () => {
        try {
          const g = JSON.parse(body);
          resolve(res.statusCode === 200 && Array.isArray(g.nodes) && Array.isArray(g.edges));
        } catch {
          resolve(false);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Starts serve and resolves with its one JSON line: {"grpc","http","ui"}. */
function startServe(ports, extra = []) {
  // cwd = demo/: serve scans the sample services (not the whole repository) for code sites.
  const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'serve', '--grpc-port', String(ports.grpc), '--http-port', String(ports.http), '--ui-port', String(ports.ui), ...extra], {
    cwd: join(root, 'demo'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      try {
        resolve({ child, info: JSON.parse(line) });
      } catch {
        reject(new Error(`serve printed an unexpected first line: ${line}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with code ${code}`)));
  });
}

const wantedHttp = Number(process.env.OTEL_FLOW_MAP_HTTP_PORT ?? 4318);
const ordersPerSecond = Number(process.env.DEMO_ORDERS_PER_SECOND ?? 4);
let child;
let traffic;
const teamChildren = [];
let teamStarted = false;
if (process.argv.includes('--team')) {
  const stack = join(root, 'scripts', 'team-stack.sh');
  const ingestUi = await pickPort('DEMO_TEAM_INGEST_UI_PORT', 0) || (await freePort());
  console.log('  Starting the team stack (the first run builds the Collector and Jaeger: minutes)…');
  const env = Object.fromEntries(
    execFileSync('bash', [stack, 'start'], { env: { ...process.env, TEAM_STACK_SCRAPE: `127.0.0.1:${ingestUi}` }, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
      .split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  teamStarted = true;
  const ingest = await startServe({ grpc: 0, http: 0, ui: ingestUi }, ['--forward', `${env.COLLECTOR_OTLP_HTTP}/v1/traces`]);
  teamChildren.push(ingest.child);
  const viewer = await startServe({ grpc: 0, http: 0, ui: await pickPort('OTEL_FLOW_MAP_UI_PORT', 4320) }, [
    '--source', `prometheus=${env.PROMETHEUS_URL},refresh=2s`, '--source', `jaeger=${env.JAEGER_URL}`,
  ]);
  child = viewer.child;
  traffic = startTraffic(`http://${ingest.info.http}`, { ordersPerSecond });
  console.log(`
  OTel Flow Map demo, team mode
  Map:        ${viewer.info.ui}  (graph from Prometheus, traces from Jaeger)
  Prometheus: ${env.PROMETHEUS_URL}   Jaeger UI: ${env.JAEGER_URL}
  Services:   web, checkout, payments, inventory, notifications, billing → serve ${ingest.info.ui}
              → --forward → Collector ${env.COLLECTOR_OTLP_HTTP} → Prometheus (span metrics), Jaeger
  Ctrl-C to stop (the team stack too).
`);
} else if (Number.isInteger(wantedHttp) && wantedHttp > 0 && (await flowMapReceiverAt(wantedHttp))) {
  // The editor (or a serve) already listens: feed it rather than taking other ports.
  traffic = startTraffic(`http://127.0.0.1:${wantedHttp}`, { ordersPerSecond });
  console.log(`
  OTel Flow Map demo
  Sending to the OTel Flow Map receiver already listening on http://127.0.0.1:${wantedHttp}
  (VS Code's: run "OTel Flow Map: Open Map" there; or a running otel-flow-map serve).
  Services: web, checkout, payments, inventory, notifications, billing (source in demo/services/)
  Ctrl-C to stop.
`);
} else {
  const ports = {
    grpc: await pickPort('OTEL_FLOW_MAP_GRPC_PORT', 4317),
    http: await pickPort('OTEL_FLOW_MAP_HTTP_PORT', 4318),
    ui: await pickPort('OTEL_FLOW_MAP_UI_PORT', 4320),
  };
  const started = await startServe(ports);
  child = started.child;
  const { info } = started;
  traffic = startTraffic(`http://${info.http}`, { ordersPerSecond });
  console.log(`
  OTel Flow Map demo
  Map:      ${info.ui}
  OTLP:     http://${info.http} (HTTP)   ${info.grpc} (gRPC)
  Services: web, checkout, payments, inventory, notifications, billing (source in demo/services/)
  Open demo/ in VS Code to see the analyzer flag the deliberate naming mistakes; the editor
  shows this receiver's live data while it holds the ports.
  Ctrl-C to stop.
`);
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`serve exited (${code}); stopping the demo.`);
      void traffic.stop().then(() => process.exit(1));
    }
  });
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await traffic.stop();
  child?.kill('SIGTERM');
  for (const c of teamChildren) c.kill('SIGTERM');
  if (teamStarted) execFileSync('bash', [join(root, 'scripts', 'team-stack.sh'), 'stop'], { stdio: 'inherit' });
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
