import assert from 'node:assert/strict';
import { mapHtml, newNonce } from '../../../client/src/mapHtml';

describe('client mapHtml', () => {
  it('has a strict CSP whose nonce is on the script and stylesheet', () => {
    const html = mapHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/dist/webview.js', styleUri: 'https://x/dist/webview.css', nonce: 'abc' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    assert.equal(csp, "default-src 'none'; script-src 'nonce-abc'; style-src https://x.vscode-cdn.net 'nonce-abc'; img-src https://x.vscode-cdn.net data:; font-src https://x.vscode-cdn.net");
    assert.match(html, /<script nonce="abc" src="https:\/\/x\/dist\/webview.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" nonce="abc" href="https:\/\/x\/dist\/webview.css">/);
    assert.match(html, /<body data-host="vscode">/);
  });

  it('omits the stylesheet when there is none and escapes attribute values', () => {
    const html = mapHtml({ cspSource: 'c', scriptUri: 'https://x/a"b<c>.js' });
    assert.doesNotMatch(html, /<link/);
    assert.match(html, /src="https:\/\/x\/a&quot;b&lt;c&gt;.js"/);
  });

  it('makes a fresh unguessable nonce each time', () => {
    const a = newNonce();
    assert.match(a, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(a, newNonce());
  });
});
