// The `serve` page: loads the same webview bundle as the VS Code panel under a strict CSP,
// with a fresh nonce per response. Nothing dynamic is interpolated but the nonce.

export interface ServePage {
  html: string;
  /** The full policy, sent as the Content-Security-Policy header. */
  csp: string;
}

export function servePage(nonce: string, withCss: boolean): ServePage {
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ];
  // frame-ancestors only works as a header (browsers ignore it, noisily, in a <meta>).
  const csp = [...policy, "frame-ancestors 'none'"].join('; ');
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy.join('; ')}">
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
  return { html, csp };
}
