import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { CAPTURE_DELAY_MS, type ContactOutcome, Flusher } from "../../src/background/flusher";
import { CaptureQueue } from "../../src/background/queue";
import { INGEST_OK_STATUSES, parseIngestResponse, request } from "../../src/background/server-client";
import type { Overlay } from "../../src/shared/types";
import { FakeServer, ManualTimers, makeCapture } from "./helpers";

async function setup(options: { paired?: boolean; maxCount?: number } = {}) {
  const queue = await CaptureQueue.open(new IDBFactory(), "flush-test");
  const server = new FakeServer();
  const timers = new ManualTimers();
  const contacts: ContactOutcome[] = [];
  const delivered: { tabId: number; overlays: Overlay[] }[] = [];
  const pending: boolean[] = [];
  const connection = { server: "http://127.0.0.1:7717", token: "sby_test" };
  let paired = options.paired ?? true;
  const flusher = new Flusher({
    queue,
    canSend: async () => paired,
    send: (captures) =>
      request(server.fetch, connection, "POST", "/api/v1/captures", { captures }, parseIngestResponse, INGEST_OK_STATUSES),
    deliverOverlays: (tabId, overlays) => delivered.push({ tabId, overlays }),
    onContact: (outcome) => contacts.push(outcome),
    onPending: (value) => pending.push(value),
    timers,
    now: () => 0,
    random: () => 1,
    limits: { maxCount: options.maxCount ?? 50, maxBytes: 2 * 1024 * 1024 },
  });
  return { queue, server, timers, contacts, delivered, pending, flusher, setPaired: (value: boolean) => (paired = value) };
}

describe("Flusher", () => {
  it("sends in batches of 50, empties the queue and hands overlays to the captures' tabs", async () => {
    const { queue, server, flusher, delivered, pending } = await setup();
    await queue.enqueue(Array.from({ length: 60 }, () => makeCapture()), 3);
    await queue.enqueue([makeCapture()], 4);
    await flusher.flush();
    expect(server.requests).toHaveLength(2);
    expect(server.stored.size).toBe(61);
    expect(await queue.size()).toBe(0);
    expect(delivered.map((delivery) => delivery.tabId).sort()).toEqual([3, 3, 4]);
    expect(server.requests[0]?.init.headers).toMatchObject({ Authorization: "Bearer sby_test" });
    expect(pending.at(-1)).toBe(false);
  });

  it("hands the overlays to the pages before it writes the acknowledgement (the pages are waiting)", async () => {
    const { queue, flusher, delivered } = await setup();
    await queue.enqueue([makeCapture()], 7);
    const deliveredBeforeAck: number[] = [];
    const ack = queue.ack.bind(queue);
    queue.ack = async (...args) => {
      deliveredBeforeAck.push(delivered.length);
      return ack(...args);
    };
    await flusher.flush();
    expect(deliveredBeforeAck).toEqual([1]);
  });

  it("tells a tab its captures were ingested even when no overlays came back (it waits for that), not for impressions or its viewer alone", async () => {
    const { queue, server, flusher, delivered } = await setup();
    server.ingestOverlays = [];
    await queue.enqueue([makeCapture({ kind: "impression" }), makeCapture({ kind: "viewer", body: { handle: "ana" } })], 5);
    await flusher.flush();
    expect(delivered).toEqual([]);
    await queue.enqueue([makeCapture(), makeCapture({ kind: "impression" })], 6);
    await queue.enqueue([makeCapture({ kind: "impression" })], 7);
    await flusher.flush();
    expect(delivered).toEqual([{ tabId: 6, overlays: [] }]);
  });

  it("sends new captures after a short delay: their posts' overlays come back in the answer", () => {
    expect(CAPTURE_DELAY_MS).toBeLessThanOrEqual(25);
  });

  it("waits for a short delay before sending, sooner plans win", async () => {
    const { flusher, timers } = await setup();
    flusher.schedule(2_000);
    flusher.schedule(100);
    flusher.schedule(2_000);
    expect(timers.delays()).toEqual([100]);
  });

  it("backs off while the server is down and then delivers everything exactly once", async () => {
    const { queue, server, flusher, timers, contacts } = await setup({ maxCount: 10 });
    const captures = Array.from({ length: 25 }, () => makeCapture());
    await queue.enqueue(captures, 1);
    server.mode = "down";
    await flusher.flush();
    expect(timers.delays()).toEqual([1_000]);
    timers.fireAll();
    await flusher.flush();
    expect(timers.delays()).toEqual([2_000]);
    expect(await queue.size()).toBe(25);
    expect(contacts.at(-1)?.kind).toBe("failed");
    // The server stores a batch but its answer is lost: the resend must not duplicate.
    server.mode = "lose-answer";
    await flusher.flush();
    expect(server.stored.size).toBe(10);
    server.mode = "up";
    await flusher.flush();
    expect(await queue.size()).toBe(0);
    expect([...server.stored.keys()].sort()).toEqual(captures.map((capture) => capture.id).sort());
    expect(server.duplicates).toBe(10);
    expect(flusher.consecutiveFailures).toBe(0);
  });

  it("treats a 5xx like a network failure: retry later, keep everything", async () => {
    const { queue, server, flusher, timers } = await setup();
    await queue.enqueue([makeCapture()], 1);
    server.mode = "error-500";
    await flusher.flush();
    expect(await queue.size()).toBe(1);
    expect(timers.delays()).toEqual([1_000]);
    expect((await queue.nextBatch())[0]?.attempts).toBe(1);
  });

  it("stops on 401 and keeps the queue for after pairing", async () => {
    const { queue, server, flusher, timers, contacts, setPaired } = await setup();
    await queue.enqueue([makeCapture(), makeCapture()], 1);
    server.mode = "unauthorized";
    await flusher.flush();
    expect(contacts.at(-1)).toEqual({ kind: "unauthorized", error: "invalid token" });
    expect(timers.delays()).toEqual([]);
    expect(await queue.size()).toBe(2);
    setPaired(false);
    await flusher.flush();
    expect(server.requests).toHaveLength(1);
    setPaired(true);
    server.mode = "up";
    await flusher.flush();
    expect(await queue.size()).toBe(0);
  });

  it("splits a batch the server finds too large, and rejects a lone capture over the limit", async () => {
    const { queue, server, flusher } = await setup();
    const small = Array.from({ length: 8 }, () => makeCapture({ body: "s".repeat(2_000) }));
    const huge = makeCapture({ body: "h".repeat(50_000) });
    await queue.enqueue([...small.slice(0, 4), huge, ...small.slice(4)], 1);
    server.maxBodyBytes = 10_000;
    await flusher.flush();
    expect(await queue.size()).toBe(0);
    expect(server.stored.size).toBe(8);
    expect(server.stored.has(huge.id)).toBe(false);
    const stats = await queue.stats();
    expect(stats.rejected).toBe(1);
    expect(stats.lastRejection).toMatch(/too large/);
  });

  it("drops rejected captures for good, even when the whole batch is rejected (422)", async () => {
    const { queue, server, flusher } = await setup();
    const bad = makeCapture();
    await queue.enqueue([bad], 1);
    server.rejectIds.add(bad.id);
    await flusher.flush();
    expect(await queue.size()).toBe(0);
    expect((await queue.stats()).rejected).toBe(1);
  });

  it("runs one flush at a time and picks up what arrived meanwhile", async () => {
    const { queue, server, flusher } = await setup();
    await queue.enqueue([makeCapture()], 1);
    const first = flusher.flush();
    await queue.enqueue([makeCapture()], 1);
    const second = flusher.flush();
    await Promise.all([first, second]);
    await flusher.flush();
    expect(server.stored.size).toBe(2);
    expect(await queue.size()).toBe(0);
  });
});
