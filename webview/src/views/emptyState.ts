// The empty map teaches: how to point a service at this receiver, per language.

import type { ReceiverStatus } from '../../../common/src/telemetry';
import { el } from './dom';

export function receiverEndpoint(status: ReceiverStatus): string {
  return `http://${status.http ?? '127.0.0.1:4318'}`;
}

export function renderEmptyState(status: ReceiverStatus): HTMLElement {
  const endpoint = receiverEndpoint(status);
  const env = `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\nOTEL_SERVICE_NAME=my-service`;
  const langs: Array<[string, string]> = [
    ['Node.js', `${env} \\\n  node --require @opentelemetry/auto-instrumentations-node/register app.js`],
    ['Python', `${env} \\\n  opentelemetry-instrument python app.py`],
    ['Go', `${env} \\\n  go run .   # with the otlptracehttp exporter`],
    ['Java', `${env} \\\n  java -javaagent:opentelemetry-javaagent.jar -jar app.jar`],
  ];
  const state = el('p', { class: `receiver-state state-${status.state}` }, [
    el('strong', { text: 'Receiver: ' }),
    status.state === 'listening' ? `listening on OTLP/HTTP ${status.http ?? '?'} and OTLP/gRPC ${status.grpc ?? '?'}` : status.state,
    ...(status.message ? [` — ${status.message}`] : []),
  ]);
  return el('div', { class: 'empty map-empty', attrs: { role: 'region', 'aria-label': 'No data yet' } }, [
    el('h2', { text: 'No spans yet' }),
    state,
    el('p', { text: 'Point any OpenTelemetry SDK at this receiver and the map fills in as spans arrive:' }),
    ...langs.flatMap(([name, cmd]) => [el('h3', { text: name }), el('pre', {}, [el('code', { text: cmd })])]),
    el('p', { class: 'hint', text: `gRPC exporters use http://${status.grpc ?? '127.0.0.1:4317'} with OTEL_EXPORTER_OTLP_PROTOCOL=grpc.` }),
  ]);
}
