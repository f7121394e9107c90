// Sends the queue to the server in batches: a short delay gathers captures into one
// request; failures back off; 401 stops until paired again; 413 splits the batch. Only
// the server's answer removes a capture from the queue, so a crash at any point means
// a resend, which the server counts as a duplicate, never a loss. Pure: everything
// that touches the browser or the network is passed in.

import { mayHoldPosts, type Capture, type IngestResponse, type Overlay } from "../shared/types";
import { backoffDelay } from "./backoff";
import type { BatchLimits, QueuedCapture, Rejection } from "./queue";
import { DEFAULT_BATCH } from "./queue";
import type { ServerResult } from "./server-client";

/** The queue operations the flusher uses (CaptureQueue in the worker). */
export interface FlushQueue {
  nextBatch(limits: BatchLimits): Promise<QueuedCapture[]>;
  ack(settledIds: readonly string[], rejections: readonly Rejection[]): Promise<void>;
  markAttempt(ids: readonly string[]): Promise<void>;
}

export type ContactOutcome =
  | { kind: "ok" }
  | { kind: "unauthorized"; error: string }
  | { kind: "failed"; error: string };

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface FlushDeps {
  queue: FlushQueue;
  /** False while unpaired or paused sending: nothing is sent, nothing is lost. */
  canSend(): Promise<boolean>;
  send(captures: Capture[]): Promise<ServerResult<IngestResponse>>;
  deliverOverlays(tabId: number, overlays: Overlay[]): void;
  /** Every answer (or its absence) from the server, for the popup's connection state. */
  onContact(outcome: ContactOutcome): void;
  /** Called when a run ends with captures still queued (arm the wake-up alarm). */
  onPending(pending: boolean): void;
  timers: Timers;
  now(): number;
  random(): number;
  limits?: BatchLimits;
}

/**
 * Delay before sending new captures: gathers a burst into one request. Short: the
 * overlays of the posts a page just loaded come back in the answer (content scripts
 * already send a burst as one message).
 */
export const CAPTURE_DELAY_MS = 20;
/** Impressions are many and less urgent: they wait for more company. */
export const IMPRESSION_DELAY_MS = 2_000;

type BatchOutcome = "sent" | "retry" | "unauthorized";

export class Flusher {
  private timer: { handle: unknown; at: number } | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private retryAt = 0;

  constructor(private readonly deps: FlushDeps) {}

  /** Flush in `delayMs`, or sooner if already planned; never before a pending retry time. */
  schedule(delayMs: number): void {
    const at = Math.max(this.deps.now() + delayMs, this.retryAt);
    if (this.timer && this.timer.at <= at) return;
    if (this.timer) this.deps.timers.clear(this.timer.handle);
    const handle = this.deps.timers.set(() => {
      this.timer = null;
      void this.flush();
    }, at - this.deps.now());
    this.timer = { handle, at };
  }

  /** For the periodic alarm: a worker that was stopped during a backoff resumes here. */
  wake(): Promise<void> {
    if (this.deps.now() < this.retryAt && this.timer) return Promise.resolve();
    return this.flush();
  }

  /** Sends until the queue is empty or sending fails. One run at a time. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    });
    return this.running;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  private async run(): Promise<void> {
    for (;;) {
      if (!(await this.deps.canSend())) return;
      const batch = await this.deps.queue.nextBatch(this.deps.limits ?? DEFAULT_BATCH);
      if (batch.length === 0) {
        this.deps.onPending(false);
        return;
      }
      const outcome = await this.sendBatch(batch);
      if (outcome === "sent") {
        this.failures = 0;
        this.retryAt = 0;
        continue;
      }
      this.deps.onPending(true);
      if (outcome === "retry") {
        this.failures++;
        const delay = backoffDelay(this.failures, this.deps.random);
        this.retryAt = this.deps.now() + delay;
        this.schedule(delay);
      }
      return;
    }
  }

  private async sendBatch(batch: QueuedCapture[]): Promise<BatchOutcome> {
    const result = await this.deps.send(batch.map((record) => record.capture));
    if (result.ok) {
      this.deps.onContact({ kind: "ok" });
      await this.settle(batch, result.data);
      return "sent";
    }
    if (result.failure === "unauthorized") {
      this.deps.onContact({ kind: "unauthorized", error: result.error });
      return "unauthorized";
    }
    if (result.failure === "too-large") {
      this.deps.onContact({ kind: "ok" });
      const [first] = batch;
      if (batch.length === 1 && first) {
        // One capture over the server's limit can never be sent: reject it for good.
        const error = `capture too large for the server (${first.bytes} bytes): ${result.error}`;
        await this.deps.queue.ack([], [{ id: first.capture.id, error }]);
        return "sent";
      }
      const middle = Math.ceil(batch.length / 2);
      const head = await this.sendBatch(batch.slice(0, middle));
      return head === "sent" ? this.sendBatch(batch.slice(middle)) : head;
    }
    this.deps.onContact({ kind: "failed", error: result.error });
    await this.deps.queue.markAttempt(batch.map((record) => record.capture.id));
    return "retry";
  }

  /** The server settled every capture of the batch: accepted, duplicate or rejected. */
  private async settle(batch: QueuedCapture[], answer: IngestResponse): Promise<void> {
    const rejections: Rejection[] = [];
    const rejectedIds = new Set<string>();
    for (const { index, error } of answer.rejected) {
      const record = batch[index];
      if (record && !rejectedIds.has(record.capture.id)) {
        rejectedIds.add(record.capture.id);
        rejections.push({ id: record.capture.id, error });
      }
    }
    const settled = batch.map((record) => record.capture.id).filter((id) => !rejectedIds.has(id));
    // Overlays first: the pages are waiting for them, and they do not depend on the queue.
    // Every tab of the batch gets the batch's overlays; a content script ignores posts it
    // does not show, and splitting by post would need parsing the captures here. A tab
    // whose captures that may hold posts (not impressions or its viewer's handle) were
    // in the batch gets the push even when it is empty: it says they were ingested, and
    // the tab waits for it before asking for the overlays of its posts (overlays.ts).
    const tabs = new Set<number>();
    for (const record of batch) {
      if (record.tabId >= 0 && (answer.overlays.length > 0 || mayHoldPosts(record.capture))) tabs.add(record.tabId);
    }
    for (const tabId of tabs) this.deps.deliverOverlays(tabId, answer.overlays);
    await this.deps.queue.ack(settled, rejections);
  }
}
