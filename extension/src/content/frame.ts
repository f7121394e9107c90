// DOM writes go at the next frame: the page is being drawn then anyway, so they
// schedule no frame of their own and everything that arrived meanwhile is written in
// one pass. Hidden tabs get no frames: at the latest after `waitMs`.

export function atNextFrame(run: () => void, waitMs: number): void {
  let frame: number | null = null;
  const once = (): void => {
    clearTimeout(timer);
    if (frame !== null) cancelAnimationFrame(frame);
    run();
  };
  const timer = setTimeout(once, waitMs);
  frame = typeof requestAnimationFrame === "function" ? requestAnimationFrame(once) : null;
}

/** Items gathered until the next frame, then handed over in one batch. */
export class FrameBatch<T> {
  private items: T[] = [];

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly waitMs = 50,
  ) {}

  add(...items: T[]): void {
    if (this.items.length === 0) atNextFrame(() => this.run(), this.waitMs);
    this.items.push(...items);
  }

  /** Takes items back out before they are handed over. */
  drop(keep: (item: T) => boolean): void {
    this.items = this.items.filter(keep);
  }

  private run(): void {
    const items = this.items;
    this.items = [];
    if (items.length > 0) this.flush(items);
  }
}
