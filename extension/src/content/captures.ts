// Building captures (docs/api.md) and sending them to the background in batches.

import type { Capture, CaptureKind } from "../shared/types";

export interface CaptureFields {
  kind: CaptureKind;
  url: string;
  method: string;
  status: number;
  body: unknown;
  request_body?: unknown;
  operation?: string;
}

/** A capture with its idempotency key, made once here so a replay is a duplicate, never a second row. */
export function newCapture(platform: string, fields: CaptureFields, pageUrl: string = location.href): Capture {
  const capture: Capture = {
    id: crypto.randomUUID(),
    kind: fields.kind,
    url: fields.url,
    method: fields.method,
    status: fields.status,
    page_url: pageUrl,
    captured_at: new Date().toISOString(),
    body: fields.body,
    platform,
  };
  if (fields.request_body !== undefined) capture.request_body = fields.request_body;
  if (fields.operation !== undefined) capture.operation = fields.operation;
  return capture;
}

/** Collects the captures of one short tick into one message. */
export class CaptureBatcher {
  private batch: Capture[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly deliver: (captures: Capture[]) => void,
    private readonly delayMs = 16,
  ) {}

  add(capture: Capture): void {
    this.batch.push(capture);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Sends now: for clicks that navigate away and for `pagehide`. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.batch.length === 0) return;
    this.deliver(this.batch.splice(0));
  }
}
