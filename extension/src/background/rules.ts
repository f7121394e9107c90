// The server's platform rules: validated, cached in storage, filtered for the content
// scripts. Pure: storage is passed in.

import type { Platform, Rules } from "../shared/types";
import type { KeyValueStore } from "./settings";

type Shape = Record<string, unknown>;

function isObject(value: unknown): value is Shape {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

const isNullableString = (value: unknown): boolean => value === null || typeof value === "string";

function everyItem(value: unknown, check: (item: Shape) => boolean): boolean {
  return Array.isArray(value) && value.every((item) => isObject(item) && check(item));
}

function isPlatform(value: unknown): value is Platform {
  if (!isObject(value)) return false;
  const locator = value.locator;
  const viewer = value.viewer;
  return (
    typeof value.name === "string" &&
    typeof value.label === "string" &&
    isStringList(value.hosts) &&
    typeof value.any_host === "boolean" &&
    everyItem(value.api, (r) => typeof r.operation === "string" && typeof r.url_pattern === "string" && isStringList(r.methods)) &&
    everyItem(value.documents, (r) => typeof r.operation === "string" && typeof r.url_pattern === "string" && isNullableString(r.script_selector)) &&
    everyItem(value.actions, (r) => typeof r.action === "string" && typeof r.url_pattern === "string" && isStringList(r.methods) && isNullableString(r.body_pattern) && typeof r.undo === "boolean") &&
    everyItem(value.dom_actions, (r) => typeof r.action === "string" && typeof r.selector === "string") &&
    (locator === null || (isObject(locator) && typeof locator.post_selector === "string" && typeof locator.id_attribute === "string" && typeof locator.id_template === "string")) &&
    (viewer === null || (isObject(viewer) && typeof viewer.selector === "string" && typeof viewer.attribute === "string"))
  );
}

/**
 * The rules from a server answer, or null when it is not rules at all. A platform whose
 * declaration is malformed is left out rather than failing every other platform.
 */
export function parseRules(data: unknown): Rules | null {
  if (!isObject(data) || typeof data.version !== "string" || !Array.isArray(data.platforms)) return null;
  return { version: data.version, platforms: data.platforms.filter(isPlatform) };
}

/**
 * What content scripts get: disabled platforms are left out, so a content script never
 * hooks, captures or decorates them. The version names the filter too, so anything keyed
 * by version notices a switch.
 */
export function rulesForContent(rules: Rules, disabledPlatforms: readonly string[]): Rules {
  const disabled = new Set(disabledPlatforms);
  const off = rules.platforms.filter((platform) => disabled.has(platform.name)).map((p) => p.name);
  if (off.length === 0) return rules;
  return {
    version: `${rules.version}-off:${off.sort().join(",")}`,
    platforms: rules.platforms.filter((platform) => !disabled.has(platform.name)),
  };
}

export const RULES_MAX_AGE_MS = 5 * 60_000;

interface CachedRules {
  rules: Rules;
  fetchedAt: number;
}

/** The last rules the server gave, kept across worker restarts. */
export class RulesCache {
  private cached: CachedRules | null | undefined;

  constructor(private readonly store: KeyValueStore) {}

  private async load(): Promise<CachedRules | null> {
    if (this.cached === undefined) {
      const raw = (await this.store.get(["rules", "rulesFetchedAt"])) as Shape;
      const rules = parseRules(raw.rules);
      const fetchedAt = typeof raw.rulesFetchedAt === "number" ? raw.rulesFetchedAt : 0;
      this.cached = rules ? { rules, fetchedAt } : null;
    }
    return this.cached;
  }

  async get(): Promise<Rules | null> {
    return (await this.load())?.rules ?? null;
  }

  async isStale(now: number): Promise<boolean> {
    const cached = await this.load();
    return !cached || now - cached.fetchedAt >= RULES_MAX_AGE_MS;
  }

  /** Stores fresh rules; true when their version differs from the cached one. */
  async put(rules: Rules, now: number): Promise<boolean> {
    const previous = await this.load();
    this.cached = { rules, fetchedAt: now };
    await this.store.set({ rules, rulesFetchedAt: now });
    return previous?.rules.version !== rules.version;
  }

  async clear(): Promise<void> {
    this.cached = null;
    await this.store.set({ rules: null, rulesFetchedAt: 0 });
  }
}
