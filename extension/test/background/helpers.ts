// Test doubles shared by the background tests: captures, a fake Seenby server behind a
// fake fetch, manual timers and a Map-backed key-value store.

import type { Capture } from "../../src/shared/types";
import type { Timers } from "../../src/background/flusher";
import type { KeyValueStore } from "../../src/background/settings";

let counter = 0;

export function makeCapture(overrides: Partial<Capture> = {}): Capture {
  counter++;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
    kind: "api",
    url: `https://x.com/i/api/graphql/abc/HomeTimeline?n=${counter}`,
    method: "GET",
    status: 200,
    page_url: "https://x.com/home",
    captured_at: "2026-11-25T10:00:00.000Z",
    body: { data: { n: counter } },
    platform: "x",
    operation: "HomeTimeline",
    ...overrides,
  };
}

export type ServerMode = "up" | "down" | "unauthorized" | "lose-answer" | "error-500";

/** Behaves like POST /api/v1/captures of the real server, plus failure modes. */
export class FakeServer {
  mode: ServerMode = "up";
  /** Request bodies larger than this get a 413. */
  maxBodyBytes = Number.POSITIVE_INFINITY;
  /** Capture ids the server rejects as malformed. */
  rejectIds = new Set<string>();
  readonly stored = new Map<string, Capture>();
  readonly requests: { url: string; init: RequestInit }[] = [];
  duplicates = 0;
  /** The overlays an ingest answers with. */
  ingestOverlays = [overlay("x", "1")];

  readonly fetch = async (url: string, init: RequestInit): Promise<Response> => {
    this.requests.push({ url, init });
    if (this.mode === "down") throw new TypeError("Failed to fetch");
    if (this.mode === "unauthorized") return json(401, { error: "invalid token", status: 401 });
    if (this.mode === "error-500") return json(500, { error: "internal error (see server log)", status: 500 });
    const body = String(init.body ?? "");
    if (new TextEncoder().encode(body).length > this.maxBodyBytes) {
      return json(413, { error: "request body exceeds the limit", status: 413 });
    }
    const path = new URL(url).pathname;
    if (path === "/api/v1/captures") {
      const answer = this.ingest((JSON.parse(body) as { captures: Capture[] }).captures);
      if (this.mode === "lose-answer") throw new TypeError("network changed");
      const status = answer.accepted === 0 && answer.duplicates === 0 && answer.rejected.length > 0 ? 422 : 200;
      return json(status, answer);
    }
    if (path === "/api/v1/overlays") {
      const ask = JSON.parse(body) as { platform: string; post_ids: string[] };
      return json(200, { overlays: ask.post_ids.map((id) => overlay(ask.platform, id)) });
    }
    return json(404, { error: "not found", status: 404 });
  };

  private ingest(captures: Capture[]) {
    let accepted = 0;
    let duplicates = 0;
    const rejected: { index: number; error: string }[] = [];
    captures.forEach((capture, index) => {
      if (this.rejectIds.has(capture.id)) rejected.push({ index, error: "Expected `str` - at `$.url`" });
      else if (this.stored.has(capture.id)) duplicates++;
      else {
        this.stored.set(capture.id, capture);
        accepted++;
      }
    });
    this.duplicates += duplicates;
    return { accepted, duplicates, rejected, statuses: {}, overlays: this.ingestOverlays };
  }
}

export function overlay(platform: string, postId: string) {
  return { platform, post_id: postId, known: true, badges: [], sections: [], errors: [] };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** Timers that fire only when the test says so. */
export class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { callback: () => void; ms: number }>();

  set(callback: () => void, ms: number): number {
    const handle = this.next++;
    this.pending.set(handle, { callback, ms });
    return handle;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  delays(): number[] {
    return [...this.pending.values()].map((timer) => timer.ms);
  }

  /** Runs every pending timer once. */
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const timer of due) timer.callback();
  }
}

export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();

  async get(keys: string[]): Promise<Record<string, unknown>> {
    return Object.fromEntries(keys.filter((key) => this.data.has(key)).map((key) => [key, structuredClone(this.data.get(key))]));
  }

  async set(items: Record<string, unknown>): Promise<void> {
    for (const [key, value] of Object.entries(items)) this.data.set(key, structuredClone(value));
  }
}
