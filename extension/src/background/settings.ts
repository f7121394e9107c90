// What the user configures, kept in chrome.storage.local. Pure: the store is passed in,
// so tests use a Map and the worker passes chrome.storage.local.

import { DEFAULT_SERVER, type Settings } from "../shared/types";

export interface StoredSettings extends Settings {
  /** Bearer token from pairing; null = not paired. Never leaves the background. */
  token: string | null;
}

/** The subset of chrome.storage.local this module needs. */
export interface KeyValueStore {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

const KEYS = ["server", "token", "paused", "disabledPlatforms"] as const;

export const DEFAULT_SETTINGS: StoredSettings = {
  server: DEFAULT_SERVER,
  token: null,
  paused: false,
  disabledPlatforms: [],
};

/** The server only answers on loopback (its Host check), so nothing else is accepted. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export type ServerAddress = { ok: true; server: string } | { ok: false; error: string };

/** Turns what the user typed ("127.0.0.1:7717", "http://localhost:7717/") into an origin. */
export function normalizeServer(input: string): ServerAddress {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, error: "Enter the server address, e.g. http://127.0.0.1:7717." };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, error: `"${trimmed}" is not a valid address.` };
  }
  if (url.protocol !== "http:") {
    return { ok: false, error: "The Seenby server speaks plain http on this computer: use http://." };
  }
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    return {
      ok: false,
      error: "The Seenby server runs on this computer: use 127.0.0.1 or localhost.",
    };
  }
  if (url.username || url.password) return { ok: false, error: "The address must not contain a user name." };
  return { ok: true, server: url.origin };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** Stored values, with defaults for anything missing or malformed. */
export function settingsFrom(raw: Record<string, unknown>): StoredSettings {
  const server = typeof raw.server === "string" ? normalizeServer(raw.server) : null;
  return {
    server: server?.ok ? server.server : DEFAULT_SETTINGS.server,
    token: typeof raw.token === "string" && raw.token ? raw.token : null,
    paused: typeof raw.paused === "boolean" ? raw.paused : DEFAULT_SETTINGS.paused,
    disabledPlatforms: isStringArray(raw.disabledPlatforms) ? [...new Set(raw.disabledPlatforms)] : [],
  };
}

export type SettingsPatch = { ok: true; patch: Partial<StoredSettings> } | { ok: false; error: string };

/**
 * Validates a `set-settings` message's payload. A new server address drops the token:
 * a token belongs to the server that issued it.
 */
export function validatePatch(current: StoredSettings, input: unknown): SettingsPatch {
  if (typeof input !== "object" || input === null) return { ok: false, error: "settings must be an object" };
  const source = input as Record<string, unknown>;
  const patch: Partial<StoredSettings> = {};
  if ("server" in source) {
    if (typeof source.server !== "string") return { ok: false, error: "server must be a string" };
    const server = normalizeServer(source.server);
    if (!server.ok) return server;
    if (server.server !== current.server) {
      patch.server = server.server;
      patch.token = null;
    }
  }
  if ("paused" in source) {
    if (typeof source.paused !== "boolean") return { ok: false, error: "paused must be true or false" };
    patch.paused = source.paused;
  }
  if ("disabledPlatforms" in source) {
    if (!isStringArray(source.disabledPlatforms)) {
      return { ok: false, error: "disabledPlatforms must be a list of platform names" };
    }
    patch.disabledPlatforms = [...new Set(source.disabledPlatforms)];
  }
  return { ok: true, patch };
}

/** Settings cached in memory; the background is the only writer. */
export class SettingsStore {
  private cached: StoredSettings | null = null;

  constructor(private readonly store: KeyValueStore) {}

  async get(): Promise<StoredSettings> {
    this.cached ??= settingsFrom(await this.store.get([...KEYS]));
    return this.cached;
  }

  async update(patch: Partial<StoredSettings>): Promise<StoredSettings> {
    const next = { ...(await this.get()), ...patch };
    await this.store.set({ ...patch });
    this.cached = next;
    return next;
  }
}
