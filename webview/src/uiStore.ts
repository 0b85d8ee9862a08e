// The UI state and its saving: every change is saved at once, except pan/zoom, which fires every
// frame and is saved once the gesture pauses.

import type { Host } from './host';
import { sanitizeUiState, type UiState } from './uiState';
import type { ZoomState } from './views/scene';

const ZOOM_SAVE_MS = 250;

export class UiStore {
  state: UiState;
  private zoomSaveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: Host) {
    this.state = sanitizeUiState(host.loadState());
  }

  update(change: Partial<UiState>): void {
    this.state = { ...this.state, ...change };
    this.host.saveState(this.state);
  }

  zoomed(zoom: ZoomState): void {
    this.state = { ...this.state, zoom };
    clearTimeout(this.zoomSaveTimer);
    this.zoomSaveTimer = setTimeout(() => this.host.saveState(this.state), ZOOM_SAVE_MS);
  }
}
