// Shows an export: the text (copyable) or a PNG preview, with a download link.
// Data URLs only: they work under the page's CSP (img-src data:) in both hosts.

import { button, el } from './dom';

export interface ExportResult {
  format: string;
  filename: string;
  mime: string;
  /** Text formats; null for PNG. */
  text: string | null;
  dataUrl: string;
}

export class ExportDialog {
  readonly element: HTMLDialogElement;
  private readonly body: HTMLDivElement;
  private readonly download: HTMLAnchorElement;
  private readonly copy: HTMLButtonElement;
  private text = '';

  constructor() {
    this.body = el('div', { class: 'export-body' });
    this.download = el('a', { class: 'button', text: 'Download' });
    this.copy = button('Copy', () => void this.copyText());
    this.element = el('dialog', { class: 'export-dialog', attrs: { 'aria-label': 'Export' } }, [
      this.body,
      el('div', { class: 'export-actions' }, [this.copy, this.download, button('Close', () => this.element.close())]),
    ]);
  }

  show(result: ExportResult): void {
    this.text = result.text ?? '';
    this.element.dataset.format = result.format;
    this.download.href = result.dataUrl;
    this.download.download = result.filename;
    this.copy.hidden = result.text === null;
    if (result.text !== null) {
      const area = el('textarea', { class: 'export-text', attrs: { readonly: '', rows: '18', 'aria-label': `${result.format} export` } });
      area.value = result.text;
      this.body.replaceChildren(area);
    } else {
      this.body.replaceChildren(el('img', { class: 'export-preview', attrs: { src: result.dataUrl, alt: 'PNG export preview' } }));
    }
    if (!this.element.open) this.element.showModal();
  }

  private async copyText(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.text);
      this.copy.textContent = 'Copied';
    } catch {
      this.body.querySelector('textarea')?.select();
      this.copy.textContent = 'Select and copy (Ctrl+C)';
    }
  }
}

export function textDataUrl(text: string, mime: string): string {
  return `data:${mime};charset=utf-8,${encodeURIComponent(text)}`;
}

/** Rasterises an SVG document to a PNG data URL at 2x for crisp images. */
export function svgToPng(svg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const scale = 2;
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.min(8000, img.naturalWidth * scale));
      canvas.height = Math.max(1, Math.min(8000, img.naturalHeight * scale));
      const ctx = canvas.getContext('2d')!;
      ctx.scale(canvas.width / img.naturalWidth, canvas.height / img.naturalHeight);
      ctx.drawImage(img, 0, 0);
      resolve(canvas.toDataURL('image/png'));
    };
    img.onerror = () => reject(new Error('could not rasterise the SVG'));
    img.src = textDataUrl(svg, 'image/svg+xml');
  });
}
