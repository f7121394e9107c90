// The worker's behaviour, behind a small port to the browser so it can be tested with
// fakes: answers messages, keeps the rules fresh, feeds the queue and reports state.

import type {
  ActionResult,
  Capture,
  DashboardResult,
  ExtensionState,
  Overlay,
  Rules,
  ToBackground,
  ToContent,
} from "../shared/types";
import { CAPTURE_DELAY_MS, type ContactOutcome, Flusher, IMPRESSION_DELAY_MS, type Timers } from "./flusher";
import { hostsNeedingPermission } from "./hosts";
import type { CaptureQueue } from "./queue";
import { RulesCache, parseRules, rulesForContent } from "./rules";
import {
  type FetchLike,
  INGEST_OK_STATUSES,
  parseDashboardLink,
  parseIngestResponse,
  parseOverlays,
  parseToken,
  request,
} from "./server-client";
import { type KeyValueStore, SettingsStore, normalizeServer, validatePatch } from "./settings";

/** What the worker needs from the browser (chrome.* in the worker, fakes in tests). */
export interface BrowserPort {
  sendToTab(tabId: number, message: ToContent): void;
  broadcast(message: ToContent): void;
  /** Arms (or clears) the periodic alarm that resumes sending after a worker restart. */
  setFlushAlarm(on: boolean): void;
  grantedOrigins(): Promise<string[]>;
  manifestHostPatterns(): string[];
  syncDynamicHosts(): Promise<void>;
  /** Opens `url` in a new tab of the current window. */
  openTab(url: string): Promise<void>;
  browserName: string;
}

export interface BackgroundDeps {
  store: KeyValueStore;
  queue: CaptureQueue;
  fetch: FetchLike;
  port: BrowserPort;
  timers: Timers;
  now(): number;
  random(): number;
}

/** A get-state older than this checks the connection before answering. */
const CONTACT_FRESH_MS = 30_000;

export class Background {
  readonly settings: SettingsStore;
  readonly rules: RulesCache;
  readonly flusher: Flusher;
  private connected: boolean | null = null;
  private lastError: string | null = null;
  private lastContactAt = 0;

  constructor(private readonly deps: BackgroundDeps) {
    this.settings = new SettingsStore(deps.store);
    this.rules = new RulesCache(deps.store);
    this.flusher = new Flusher({
      queue: deps.queue,
      canSend: async () => (await this.settings.get()).token !== null,
      send: async (captures) =>
        request(deps.fetch, await this.settings.get(), "POST", "/api/v1/captures", { captures }, parseIngestResponse, INGEST_OK_STATUSES),
      deliverOverlays: (tabId, overlays) => deps.port.sendToTab(tabId, { type: "overlays", overlays }),
      onContact: (outcome) => void this.contact(outcome),
      onPending: (pending) => deps.port.setFlushAlarm(pending),
      timers: deps.timers,
      now: deps.now,
      random: deps.random,
    });
  }

  /** On every worker start: fresh rules if stale, and send whatever is queued. */
  async start(forceRules = false): Promise<void> {
    if (forceRules || (await this.rules.isStale(this.deps.now()))) await this.refreshRules();
    await this.flusher.flush();
  }

  async handle(message: ToBackground, tabId: number): Promise<unknown> {
    switch (message.type) {
      case "get-rules":
        return this.contentRules();
      case "captures":
        return this.enqueue(message.captures, tabId);
      case "get-overlays":
        return this.overlays(message.platform, message.post_ids);
      case "get-state":
        return this.state();
      case "pair":
        return this.pair(message.server, message.code);
      case "set-settings":
        return this.updateSettings(message.settings);
      case "request-host":
        await this.deps.port.syncDynamicHosts();
        return this.state();
      case "open-dashboard":
        return this.openDashboard();
    }
  }

  private async contact(outcome: ContactOutcome): Promise<void> {
    this.lastContactAt = this.deps.now();
    this.connected = outcome.kind === "ok";
    this.lastError = outcome.kind === "ok" ? null : outcome.error;
    // 401: the token was revoked or belongs to another server. Queued captures stay.
    if (outcome.kind === "unauthorized") await this.settings.update({ token: null });
  }

  async refreshRules(): Promise<void> {
    const settings = await this.settings.get();
    if (!settings.token) return;
    const answer = await request(this.deps.fetch, settings, "GET", "/api/v1/rules", undefined, parseRules);
    if (!answer.ok) {
      await this.contact(answer.failure === "unauthorized" ? { kind: "unauthorized", error: answer.error } : { kind: "failed", error: answer.error });
      return;
    }
    await this.contact({ kind: "ok" });
    if (await this.rules.put(answer.data, this.deps.now())) await this.broadcastRules();
  }

  private async contentRules(): Promise<Rules | null> {
    const rules = await this.rules.get();
    return rules && rulesForContent(rules, (await this.settings.get()).disabledPlatforms);
  }

  private async broadcastRules(): Promise<void> {
    const rules = await this.contentRules();
    if (rules) this.deps.port.broadcast({ type: "rules", rules });
    await this.deps.port.syncDynamicHosts();
  }

  /**
   * Queues a tab's captures. The answer tells the tab whether they are on their way to
   * the server (queued, and paired), so that an overlay push follows their ingest.
   */
  private async enqueue(captures: Capture[], tabId: number): Promise<boolean> {
    const settings = await this.settings.get();
    if (settings.paused) return false;
    const disabled = new Set(settings.disabledPlatforms);
    const wanted = captures.filter((capture) => !capture.platform || !disabled.has(capture.platform));
    if (wanted.length === 0) return false;
    await this.deps.queue.enqueue(wanted, tabId, this.deps.now());
    this.deps.port.setFlushAlarm(true);
    const onlyImpressions = wanted.every((capture) => capture.kind === "impression");
    this.flusher.schedule(onlyImpressions ? IMPRESSION_DELAY_MS : CAPTURE_DELAY_MS);
    return settings.token !== null;
  }

  private async overlays(platform: string, postIds: string[]): Promise<Overlay[]> {
    const settings = await this.settings.get();
    if (!settings.token || postIds.length === 0 || settings.disabledPlatforms.includes(platform)) return [];
    const answer = await request(this.deps.fetch, settings, "POST", "/api/v1/overlays", { platform, post_ids: postIds }, parseOverlays);
    if (answer.ok) {
      await this.contact({ kind: "ok" });
      return answer.data;
    }
    await this.contact(answer.failure === "unauthorized" ? { kind: "unauthorized", error: answer.error } : { kind: "failed", error: answer.error });
    return [];
  }

  private async pair(serverInput: string, code: string): Promise<ActionResult> {
    const address = normalizeServer(serverInput);
    if (!address.ok) return address;
    if (!code.trim()) return { ok: false, error: "Enter the code that `seenby pair` printed." };
    const body = { code: code.trim(), name: `${this.deps.port.browserName} extension` };
    const answer = await request(this.deps.fetch, { server: address.server, token: null }, "POST", "/api/v1/pair", body, parseToken);
    if (!answer.ok) {
      const error =
        answer.failure === "network"
          ? `Could not reach the Seenby server at ${address.server}. Is \`seenby serve\` running?`
          : `Pairing failed: ${answer.error}`;
      return { ok: false, error };
    }
    const previous = await this.settings.get();
    if (previous.server !== address.server) await this.rules.clear();
    await this.settings.update({ server: address.server, token: answer.data });
    await this.refreshRules();
    void this.flusher.flush();
    return { ok: true, state: await this.state() };
  }

  /** Asks the server for a one-time login link and opens the dashboard with it in a new tab. */
  private async openDashboard(): Promise<DashboardResult> {
    const settings = await this.settings.get();
    if (!settings.token) return { ok: false, error: "Pair the extension with your Seenby server first." };
    const answer = await request(this.deps.fetch, settings, "POST", "/api/v1/dashboard/link", undefined, parseDashboardLink);
    if (!answer.ok) {
      if (answer.failure === "network") {
        await this.contact({ kind: "failed", error: answer.error });
        return { ok: false, error: `Could not reach the Seenby server at ${settings.server}. Is \`seenby serve\` running?` };
      }
      if (answer.failure === "unauthorized") {
        await this.contact({ kind: "unauthorized", error: answer.error });
        return { ok: false, error: "The server refused the extension's token: pair it again." };
      }
      return { ok: false, error: `The server could not open the dashboard: ${answer.error}` };
    }
    await this.contact({ kind: "ok" });
    const url = new URL(answer.data, settings.server).href;
    await this.deps.port.openTab(url);
    return { ok: true, url };
  }

  private async updateSettings(input: unknown): Promise<ActionResult> {
    const before = await this.settings.get();
    const checked = validatePatch(before, input);
    if (!checked.ok) return checked;
    const after = await this.settings.update(checked.patch);
    if (after.server !== before.server) {
      this.connected = null;
      await this.rules.clear();
    }
    if (after.disabledPlatforms.join("\n") !== before.disabledPlatforms.join("\n")) await this.broadcastRules();
    if (before.paused && !after.paused) void this.flusher.flush();
    return { ok: true, state: await this.state() };
  }

  async state(): Promise<ExtensionState> {
    let settings = await this.settings.get();
    if (settings.token && this.deps.now() - this.lastContactAt > CONTACT_FRESH_MS) {
      await this.refreshRules();
      settings = await this.settings.get();
    }
    const [stats, rules, granted] = await Promise.all([
      this.deps.queue.stats(),
      this.rules.get(),
      this.deps.port.grantedOrigins(),
    ]);
    const disabled = new Set(settings.disabledPlatforms);
    const platforms = rules?.platforms ?? [];
    const enabled = platforms.filter((platform) => !disabled.has(platform.name));
    return {
      server: settings.server,
      paired: settings.token !== null,
      connected: settings.token !== null && this.connected === true,
      lastError: this.lastError,
      queueSize: stats.size,
      queueLimit: this.deps.queue.limit,
      lastCaptureAt: stats.lastCaptureAt,
      lastSentAt: stats.lastSentAt,
      paused: settings.paused,
      platforms: platforms.map(({ name, label, hosts }) => ({ name, label, hosts, enabled: !disabled.has(name) })),
      dropped: stats.dropped,
      rejected: stats.rejected,
      lastRejection: stats.lastRejection,
      needsPermission: hostsNeedingPermission(enabled, this.deps.port.manifestHostPatterns(), granted),
    };
  }
}
