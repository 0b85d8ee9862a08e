// The `serve` page: loads the same webview bundle as the VS Code panel under a strict CSP,
// with a fresh nonce per response. Nothing dynamic is interpolated but the nonce.

export function pageHtml(nonce: string, withCss: boolean): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OTel Flow Map</title>
${withCss ? `<link rel="stylesheet" href="/webview.css" nonce="${nonce}">` : ''}
</head>
<body data-host="browser">
<div id="app"></div>
<script nonce="${nonce}" src="/webview.js"></script>
</body>
</html>
`;
}

export function cspHeader(html: string): string {
  return /content="([^"]+)"/.exec(html)?.[1] ?? "default-src 'none'";
}
