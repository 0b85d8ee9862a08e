// Entry of the map webview bundle (dist/webview.js + dist/webview.css), shared by the
// VS Code panel and the `serve` page.

import { App } from './app';
import { createHost } from './host';
import './style.css';

const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
root.classList.add('app');
new App(createHost(), root).start();
