// Hosts the map webview: one panel at a time, restored after reload by a serializer, fed from
// LiveState. Every message from the webview is validated (isFromWebview) before it is acted on.
// Structure after vscode-extension-samples' webview-sample.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CodeLocation } from '../../common/src/graph';
import { answerMapRequest, type MapBackend } from '../../common/src/mapAnswers';
import { isFromWebview, type FocusTarget, type FromWebview, type ToWebview } from '../../common/src/protocol';
import type { LiveState } from './liveState';
import { mapHtml } from './mapHtml';

export const MAP_VIEW_TYPE = 'otelFlowMap.map';

/** What the panel needs from the rest of the extension: the map's data (MapBackend) and the editor. */
export interface MapHost extends MapBackend {
  extensionUri: vscode.Uri;
  live: LiveState;
  openLocation(location: CodeLocation): Promise<boolean>;
}

export class MapPanel {
  private static current: MapPanel | undefined;
  /** True once the webview said 'ready' and got its init; false again when it is hidden (and unloaded). */
  private initialized = false;
  private pendingFocus: FocusTarget | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens the map, or reveals it if it is already open. */
  static show(host: MapHost): MapPanel {
    if (MapPanel.current) {
      MapPanel.current.panel.reveal();
      return MapPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(MAP_VIEW_TYPE, 'OTel Flow Map', vscode.ViewColumn.Active, webviewOptions(host.extensionUri));
    MapPanel.current = new MapPanel(panel, host);
    return MapPanel.current;
  }

  static registerSerializer(host: MapHost): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(MAP_VIEW_TYPE, {
      deserializeWebviewPanel: (panel) => {
        panel.webview.options = webviewOptions(host.extensionUri);
        MapPanel.current?.panel.dispose();
        MapPanel.current = new MapPanel(panel, host);
        return Promise.resolve();
      },
    });
  }

  static isVisible(): boolean {
    return MapPanel.current?.panel.visible ?? false;
  }

  static disposeCurrent(): void {
    MapPanel.current?.panel.dispose();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly host: MapHost,
  ) {
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'images', 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.initialized = false;
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      host.live.onDidReplaceGraph((graph) => this.postIfInitialized({ type: 'graph', graph })),
      host.live.onDidApplyDelta((delta) => this.postIfInitialized({ type: 'delta', delta })),
      host.live.onDidChangeReceiver((status) => this.postIfInitialized({ type: 'receiver', status })),
      host.live.onDidChangeSites((sites) => this.postIfInitialized({ type: 'sites', sites })),
    );
  }

  /** Shows a node, step or span in the map, as soon as the webview is ready. */
  focus(target: FocusTarget): void {
    if (this.initialized) this.post({ type: 'focus', target });
    else this.pendingFocus = target;
  }

  private html(): string {
    const dist = vscode.Uri.joinPath(this.host.extensionUri, 'dist');
    const css = vscode.Uri.joinPath(dist, 'webview.css');
    const webview = this.panel.webview;
    return mapHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: existsSync(css.fsPath) ? webview.asWebviewUri(css).toString() : undefined,
    });
  }

  private receive(message: unknown): void {
    if (!isFromWebview(message)) return;
    void this.handle(message);
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const { graph, receiver, sites } = this.host.live;
        this.post({ type: 'init', host: 'vscode', graph, receiver, sites });
        this.initialized = true;
        if (this.pendingFocus) this.post({ type: 'focus', target: this.pendingFocus });
        this.pendingFocus = undefined;
        return;
      }
      case 'openLocation':
        await this.host.openLocation(message.location);
        return;
      default:
        this.post(await answerMapRequest(message, this.host));
    }
  }

  /** Updates before the webview's init are skipped: the init carries the whole state. */
  private postIfInitialized(message: ToWebview): void {
    if (this.initialized) this.post(message);
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    if (MapPanel.current === this) MapPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}
