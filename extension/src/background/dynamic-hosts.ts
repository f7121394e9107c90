// Content scripts for hosts the user allowed beyond the manifest (e.g. another Mastodon
// instance a plugin lists): registered with chrome.scripting so they persist and run at
// document_start like the manifest's, in both worlds.

import { dynamicScriptMatches } from "./hosts";

const INTERCEPTOR_ID = "seenby-dynamic-interceptor";
const CONTENT_ID = "seenby-dynamic-content";

export function manifestHostPatterns(): string[] {
  return chrome.runtime.getManifest().host_permissions ?? [];
}

export async function grantedOrigins(): Promise<string[]> {
  return (await chrome.permissions.getAll()).origins ?? [];
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

async function sync(): Promise<void> {
  const matches = dynamicScriptMatches(await grantedOrigins(), manifestHostPatterns());
  const registered = await chrome.scripting.getRegisteredContentScripts({ ids: [INTERCEPTOR_ID, CONTENT_ID] });
  const upToDate = registered.length === 2 && registered.every((script) => sameMembers(script.matches ?? [], matches));
  if (upToDate || (registered.length === 0 && matches.length === 0)) return;
  if (registered.length > 0) {
    await chrome.scripting.unregisterContentScripts({ ids: registered.map((script) => script.id) });
  }
  if (matches.length === 0) return;
  await chrome.scripting.registerContentScripts([
    { id: INTERCEPTOR_ID, matches, js: ["interceptor.js"], runAt: "document_start", world: "MAIN", persistAcrossSessions: true },
    { id: CONTENT_ID, matches, js: ["content.js"], runAt: "document_start", persistAcrossSessions: true },
  ]);
}

let pending: Promise<void> = Promise.resolve();

/** Brings the registrations in line with the granted origins; calls run one after another. */
export function syncDynamicHosts(): Promise<void> {
  pending = pending.then(sync).catch((error: unknown) => {
    console.warn("Seenby: could not register content scripts for granted hosts", error);
  });
  return pending;
}
