// One render per animation frame however many messages arrive: the app asks for a render
// (saying whether the data changed), and work that needs the rendered DOM waits for it.

export class RenderLoop {
  private frame = 0;
  private dataDirty = true;
  private callbacks: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `render(data)`: `data` is true when the data changed since the last frame, not only the
   * selection; it returns false when there was nothing to render yet (no data from the host),
   * and the work waiting for a render waits on.
   */
  constructor(private readonly render: (data: boolean) => boolean) {}

  schedule(data: boolean): void {
    if (data) this.dataDirty = true;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const dirty = this.dataDirty;
      this.dataDirty = false;
      if (!this.render(dirty)) return;
      const callbacks = this.callbacks;
      this.callbacks = [];
      for (const fn of callbacks) fn();
    });
  }

  /** Runs `fn` after the next render. */
  afterRender(fn: () => void): void {
    this.callbacks.push(fn);
    this.schedule(false);
  }

  /** A data render after `ms` (one pending at a time): highlights of newly arrived items expire. */
  renderAfter(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.schedule(true);
    }, ms);
  }
}
