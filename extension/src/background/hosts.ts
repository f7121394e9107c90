// Which sites the extension may run on. The manifest covers the built-in platforms'
// hosts (hosts.json); a platform a plugin adds later needs the user's permission, after
// which its content scripts are registered dynamically. Pure: no chrome.* here.

import type { HostPermissionRequest, Platform } from "../shared/types";

/** A rule host ("x.com", "*.bsky.app") as a match pattern; null when it is not a host name. */
export function hostToMatchPattern(host: string): string | null {
  const normalized = host.trim().toLowerCase();
  if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(normalized)) return null;
  return `https://${normalized}/*`;
}

/** Every platform's hosts as match patterns, in rule order, without repeats (hosts.json). */
export function platformMatchPatterns(platforms: readonly Platform[]): string[] {
  const patterns = platforms.flatMap((platform) => platform.hosts.map(hostToMatchPattern));
  return [...new Set(patterns.filter((pattern): pattern is string => pattern !== null))];
}

interface ParsedPattern {
  scheme: string;
  host: string;
}

function parsePattern(pattern: string): ParsedPattern | null {
  if (pattern === "<all_urls>") return { scheme: "*", host: "*" };
  const match = /^(\*|https?):\/\/([^/]+)\/.*$/.exec(pattern);
  return match?.[1] && match[2] ? { scheme: match[1], host: match[2].toLowerCase() } : null;
}

function hostCovers(patternHost: string, host: string): boolean {
  if (patternHost === "*") return true;
  if (patternHost.startsWith("*.")) {
    const domain = patternHost.slice(2);
    return host === domain || host.endsWith(`.${domain}`) || host === patternHost;
  }
  return host === patternHost;
}

/** Whether one of `patterns` lets the extension run on https://`host` (host may be "*.d"). */
export function isCovered(host: string, patterns: readonly string[]): boolean {
  const wanted = host.toLowerCase();
  return patterns.some((pattern) => {
    const parsed = parsePattern(pattern);
    return parsed !== null && parsed.scheme !== "http" && hostCovers(parsed.host, wanted);
  });
}

/** Hosts in the rules that neither the manifest nor a granted permission covers. */
export function hostsNeedingPermission(
  platforms: readonly Platform[],
  staticPatterns: readonly string[],
  grantedPatterns: readonly string[],
): HostPermissionRequest[] {
  const covering = [...staticPatterns, ...grantedPatterns];
  const needed: HostPermissionRequest[] = [];
  for (const platform of platforms) {
    for (const host of platform.hosts) {
      const origin = hostToMatchPattern(host);
      if (origin && !isCovered(host, covering)) {
        needed.push({ platform: platform.name, label: platform.label, host, origin });
      }
    }
  }
  return needed;
}

/**
 * Granted origins that need dynamically registered content scripts: those the user
 * granted beyond the manifest. Loopback is the server, never a site to capture.
 */
export function dynamicScriptMatches(
  grantedPatterns: readonly string[],
  manifestHostPatterns: readonly string[],
): string[] {
  const inManifest = new Set(manifestHostPatterns);
  return [...new Set(grantedPatterns)].filter((pattern) => {
    const parsed = parsePattern(pattern);
    if (!parsed || inManifest.has(pattern)) return false;
    const hostname = parsed.host.replace(/:\d+$/, "");
    return !["127.0.0.1", "localhost", "[::1]"].includes(hostname);
  });
}
