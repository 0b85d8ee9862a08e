// contract.md §2a–2c as code: which map edge and which peers' series each span makes, at once
// or when its pairing ends (paired, wait over, or given up by the full store).

import type { Relation } from '../../../../common/src/graph';
import type { PairLabels, ServiceGraphSeries } from '../metrics/serviceGraphSeries';
import { SpanKind, type DecodedSpan } from '../otlp/span';
import { callerName, connectionTypeOf, databaseLabel, dependencyOf, externalNode, peerOf, serviceNode, virtualServerLabel, type NodeRef } from './classify';
import type { Pairer, PairingSink, Side } from './pairing';

export interface EdgeWriter {
  addEdge(source: NodeRef, target: NodeRef, relation: Relation, span: DecodedSpan, extraError: boolean, detail?: string): void;
}

export interface RulesOptions {
  /** Draw (and count) the virtual caller of root SERVER / CONSUMER spans (contract §2a). */
  virtualClient: boolean;
}

export class ServiceGraphRules implements PairingSink {
  pairer: Pairer | undefined;

  constructor(
    private readonly edges: EdgeWriter,
    private readonly series: ServiceGraphSeries,
    private readonly opts: RulesOptions,
    private readonly clock: () => number,
  ) {}

  /** A span of a known service as it arrives: edges that need no partner now, the rest to pairing. */
  ingest(span: DecodedSpan, now: number): void {
    const kind = span.kind;
    if (kind === SpanKind.CLIENT) {
      this.pairer?.addClient(span, now);
      return;
    }
    if (kind === SpanKind.SERVER || kind === SpanKind.CONSUMER) {
      // The map draws messaging meeting at the queue: a consumer's edge needs no partner.
      const queue = kind === SpanKind.CONSUMER ? this.dependencyEdge(span) : false;
      if (span.parentSpanId) this.pairer?.addServer(span, now);
      else this.rootServer(span, queue);
      return;
    }
    this.dependencyEdge(span);
    if (kind === SpanKind.PRODUCER) this.pairer?.addClient(span, now);
  }

  paired(client: DecodedSpan, server: DecodedSpan): void {
    if (client.kind === SpanKind.CLIENT && server.kind === SpanKind.SERVER) {
      // A service edge whatever db/messaging attributes the client carries; self-edges count.
      this.edges.addEdge(serviceNode(client.service), serviceNode(server.service), 'calls', client, server.error);
    } else if (client.kind === SpanKind.CLIENT) this.clientFallback(client);
    const messaging = client.kind === SpanKind.PRODUCER || server.kind === SpanKind.CONSUMER;
    this.series.request(
      labels(client.service, server.service, messaging ? 'messaging_system' : connectionTypeOf(client)),
      client.error || server.error, seconds(server), seconds(client), this.clock(),
    );
  }

  expired(span: DecodedSpan, side: Side): void {
    if (side === 'server') {
      this.series.unpaired(labels('', span.service, span.kind === SpanKind.CONSUMER ? 'messaging_system' : ''), this.clock());
      return;
    }
    if (span.kind === SpanKind.CLIENT) this.clientFallback(span);
    const database = span.kind === SpanKind.CLIENT ? databaseLabel(span) : undefined;
    const series = database !== undefined ? labels(span.service, database, 'database') : labels(span.service, virtualServerLabel(span), 'virtual_node');
    this.series.request(series, span.error, seconds(span), seconds(span), this.clock());
  }

  dropped(span: DecodedSpan, side: Side): void {
    // The map loses nothing: the half resolves as if its wait had ended. The series count the loss.
    if (side === 'client' && span.kind === SpanKind.CLIENT) this.clientFallback(span);
    const type = span.kind === SpanKind.PRODUCER || span.kind === SpanKind.CONSUMER ? 'messaging_system' : '';
    this.series.dropped(side === 'client' ? labels(span.service, '', type) : labels('', span.service, type), this.clock());
  }

  /** A root SERVER / CONSUMER span: its caller is outside what we see (a browser, curl, a cron). */
  private rootServer(span: DecodedSpan, queueDrawn: boolean): void {
    if (!this.opts.virtualClient) return;
    const caller = callerName(span);
    // A consumer of a named queue already has its caller on the map: the queue node.
    if (!queueDrawn) this.edges.addEdge(externalNode(caller), serviceNode(span.service), 'calls', span, false);
    this.series.request(labels(caller, span.service, 'virtual_node'), span.error, seconds(span), seconds(span), this.clock());
  }

  /** A CLIENT span not paired with a SERVER span: its db/messaging relation, else an external peer. */
  private clientFallback(span: DecodedSpan): void {
    if (!this.dependencyEdge(span)) this.edges.addEdge(serviceNode(span.service), peerOf(span), 'calls', span, false);
  }

  /** The span's database or queue edge, when it has those attributes. */
  private dependencyEdge(span: DecodedSpan): boolean {
    const dep = dependencyOf(span);
    if (!dep) return false;
    this.edges.addEdge(serviceNode(span.service), dep.target, dep.relation, span, false, dep.detail);
    return true;
  }
}

function labels(client: string, server: string, type: PairLabels['connection_type']): PairLabels {
  return { client, server, connection_type: type };
}

function seconds(span: DecodedSpan): number {
  return Math.max(0, span.durationMs) / 1000;
}
