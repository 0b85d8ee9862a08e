// `npm run demo`: starts `otel-flow-map serve` and a handful of instrumented sample services
// (web, checkout, payments, inventory, notifications, billing) that keep sending traces to it.
// Ports: OTEL_FLOW_MAP_GRPC_PORT / OTEL_FLOW_MAP_HTTP_PORT / OTEL_FLOW_MAP_UI_PORT, defaults
// 4317 / 4318 / 4320; a busy port falls back to any free one. DEMO_ORDERS_PER_SECOND sets the load.
// Ctrl-C stops everything.
import { spawn } from 'node:child_process';
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

const ports = {
  grpc: await pickPort('OTEL_FLOW_MAP_GRPC_PORT', 4317),
  http: await pickPort('OTEL_FLOW_MAP_HTTP_PORT', 4318),
  ui: await pickPort('OTEL_FLOW_MAP_UI_PORT', 4320),
};
const { child, info } = await startServe(ports);
const traffic = startTraffic(`http://${info.http}`, { ordersPerSecond: Number(process.env.DEMO_ORDERS_PER_SECOND ?? 4) });

console.log(`
  OTel Flow Map demo
  Map:      ${info.ui}
  OTLP:     http://${info.http} (HTTP)   ${info.grpc} (gRPC)
  Services: web, checkout, payments, inventory, notifications, billing (source in demo/services/)
  Open demo/ in VS Code to see the analyzer flag the deliberate naming mistakes.
  Ctrl-C to stop.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await traffic.stop();
  child.kill('SIGTERM');
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
child.on('exit', (code) => {
  if (!stopping) {
    console.error(`serve exited (${code}); stopping the demo.`);
    void traffic.stop().then(() => process.exit(1));
  }
});
