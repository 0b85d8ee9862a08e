// `npm run demo`: a handful of instrumented sample services (web, checkout, payments, inventory,
// notifications, billing) that keep sending traces. When an OTel Flow Map receiver already answers
// on the OTLP/HTTP port (the editor's, or a `serve`), they send to it, so the editor's map shows
// them; otherwise the demo starts its own `otel-flow-map serve` with the map in the browser.
// Ports: OTEL_FLOW_MAP_GRPC_PORT / OTEL_FLOW_MAP_HTTP_PORT / OTEL_FLOW_MAP_UI_PORT, defaults
// 4317 / 4318 / 4320; a port another program holds falls back to any free one.
// DEMO_ORDERS_PER_SECOND sets the load. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
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
function startServe(ports) {
  // cwd = demo/: serve scans the sample services (not the whole repository) for code sites.
  const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'serve', '--grpc-port', String(ports.grpc), '--http-port', String(ports.http), '--ui-port', String(ports.ui)], {
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
if (Number.isInteger(wantedHttp) && wantedHttp > 0 && (await flowMapReceiverAt(wantedHttp))) {
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
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
