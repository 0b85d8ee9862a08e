// The map webview's HTML shell: a strict CSP with a per-load nonce, the shared webview bundle,
// and `data-host="vscode"` so the bundle talks to VS Code. Pure: unit-tested.

import { randomBytes } from 'node:crypto';

export interface MapHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `asWebviewUri` of dist/webview.js and, when built, dist/webview.css. */
  scriptUri: string;
  styleUri?: string;
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function mapHtml({ cspSource, scriptUri, styleUri, nonce = newNonce() }: MapHtmlInput): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
  const style = styleUri ? `\n  <link rel="stylesheet" nonce="${nonce}" href="${attr(styleUri)}">` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">${style}
  <title>OTel Flow Map</title>
</head>
<body data-host="vscode">
  <div id="app"></div>
  <script nonce="${nonce}" src="${attr(scriptUri)}"></script>
</body>
</html>
`;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
