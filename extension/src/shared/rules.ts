// Pure helpers that apply the server's rules (types.ts): host and URL matching,
// rule lookup for an exchange, post id extraction. No chrome APIs, no globals, so
// every part of the extension (and the unit tests) can use them.

import type { ActionRule, ApiRule, DomActionRule, DomLocator, Platform, Rules } from "./types";

const compiled = new Map<string, RegExp | null>();

/** The rule's pattern as a RegExp, or null when it does not compile (a plugin bug must not break the page). */
export function compilePattern(source: string): RegExp | null {
  let pattern = compiled.get(source);
  if (pattern === undefined) {
    try {
      pattern = new RegExp(source);
    } catch {
      pattern = null;
    }
    compiled.set(source, pattern);
  }
  return pattern;
}

export function patternMatches(source: string, text: string): boolean {
  return compilePattern(source)?.test(text) ?? false;
}

/** `example.com` matches only itself; `*.example.com` matches every subdomain of it. */
export function hostMatches(declared: string, hostname: string): boolean {
  const host = hostname.toLowerCase();
  const wanted = declared.toLowerCase();
  if (wanted.startsWith("*.")) return host.endsWith(wanted.slice(1));
  return host === wanted;
}

/** The platform whose hosts include `hostname`, if any. */
export function platformForHost(rules: Rules, hostname: string): Platform | null {
  return rules.platforms.find((platform) => platform.hosts.some((host) => hostMatches(host, hostname))) ?? null;
}

function methodAllowed(methods: string[], method: string): boolean {
  const upper = method.toUpperCase();
  return methods.some((allowed) => allowed.toUpperCase() === upper);
}

/** The first API rule (the plugin's order is its priority) matching the request. */
export function findApiRule(platform: Platform, url: string, method: string): ApiRule | null {
  return platform.api.find((rule) => methodAllowed(rule.methods, method) && patternMatches(rule.url_pattern, url)) ?? null;
}

/** The first action rule matching the request; `body_pattern` must match the request body too. */
export function findActionRule(
  platform: Platform,
  url: string,
  method: string,
  requestBody: string | null,
): ActionRule | null {
  return (
    platform.actions.find(
      (rule) =>
        methodAllowed(rule.methods, method) &&
        patternMatches(rule.url_pattern, url) &&
        (rule.body_pattern === null || patternMatches(rule.body_pattern, requestBody ?? "")),
    ) ?? null
  );
}

/**
 * For a page on no declared host: the first `any_host` platform (Mastodon runs on
 * thousands of instances) whose API or action rules recognise this exchange.
 */
export function anyHostPlatformFor(
  rules: Rules,
  url: string,
  method: string,
  requestBody: string | null,
): Platform | null {
  return (
    rules.platforms.find(
      (platform) =>
        platform.any_host &&
        (findApiRule(platform, url, method) !== null || findActionRule(platform, url, method, requestBody) !== null),
    ) ?? null
  );
}

/** Applies `pattern`'s first group to `value`; the whole value when there is no pattern. */
function extract(value: string | null, pattern: string | null): string | null {
  if (value === null || value === "") return null;
  if (pattern === null) return value;
  const match = compilePattern(pattern)?.exec(value);
  return match?.[1] ?? null;
}

/**
 * The parser's `post_id` of a located post element: the `id_selector` element (or
 * the post itself), its `id_attribute`, `id_pattern`'s first group, then
 * `id_template` with `{id}` and `{host}` (location.host, port included).
 */
export function extractPostId(post: Element, locator: DomLocator, host: string): string | null {
  let holder: Element | null = post;
  if (locator.id_selector !== null) {
    try {
      holder = post.querySelector(locator.id_selector);
    } catch {
      return null; // a selector this browser cannot parse
    }
  }
  const id = extract(holder?.getAttribute(locator.id_attribute) ?? null, locator.id_pattern);
  if (id === null) return null;
  return locator.id_template.replaceAll("{id}", id).replaceAll("{host}", host);
}

/** The post id a DOM action rule reads from the clicked element, if the rule says how. */
export function domActionPostId(element: Element, rule: DomActionRule): string | null {
  if (rule.post_id_attribute === null && rule.post_id_pattern === null) return null;
  const value = element.getAttribute(rule.post_id_attribute ?? "href");
  return extract(value, rule.post_id_pattern);
}
