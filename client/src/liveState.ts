// The client's copy of what the server reports: the live graph, the receiver status and the span
// sites. The status bar, the map panel and the test API read it and listen for changes.

import * as vscode from 'vscode';
import { applyDelta, emptyGraph, type Graph, type GraphDelta } from '../../common/src/graph';
import type { SpanSiteSummary } from '../../common/src/sites';
import type { ReceiverStatus } from '../../common/src/telemetry';

export class LiveState implements vscode.Disposable {
  private graphValue: Graph = emptyGraph();
  private receiverValue: ReceiverStatus = { state: 'starting' };
  private sitesValue: SpanSiteSummary[] = [];
  private readonly graphEmitter = new vscode.EventEmitter<Graph>();
  private readonly deltaEmitter = new vscode.EventEmitter<GraphDelta>();
  private readonly receiverEmitter = new vscode.EventEmitter<ReceiverStatus>();
  private readonly sitesEmitter = new vscode.EventEmitter<SpanSiteSummary[]>();
  /** The whole graph was replaced (the server's answer to GraphRequest). */
  readonly onDidReplaceGraph = this.graphEmitter.event;
  readonly onDidApplyDelta = this.deltaEmitter.event;
  readonly onDidChangeReceiver = this.receiverEmitter.event;
  readonly onDidChangeSites = this.sitesEmitter.event;

  get graph(): Graph {
    return this.graphValue;
  }
  get receiver(): ReceiverStatus {
    return this.receiverValue;
  }
  get sites(): SpanSiteSummary[] {
    return this.sitesValue;
  }

  /** A whole graph from the server (GraphRequest answer); later deltas apply on top of it. */
  replaceGraph(graph: Graph): void {
    this.graphValue = graph;
    this.graphEmitter.fire(graph);
  }

  applyDelta(delta: GraphDelta): void {
    applyDelta(this.graphValue, delta);
    this.deltaEmitter.fire(delta);
  }

  setReceiver(status: ReceiverStatus): void {
    this.receiverValue = status;
    this.receiverEmitter.fire(status);
  }

  setSites(sites: SpanSiteSummary[]): void {
    this.sitesValue = sites;
    this.sitesEmitter.fire(sites);
  }

  dispose(): void {
    this.graphEmitter.dispose();
    this.deltaEmitter.dispose();
    this.receiverEmitter.dispose();
    this.sitesEmitter.dispose();
  }
}
