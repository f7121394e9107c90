// Shared by the fetch and XHR wrappers: what is worth handing over, and the hand-over.

import { INTERCEPT_EVENT, type InterceptedExchange } from "../shared/types";

/** Larger responses are skipped: copying them across worlds would stall the page. */
export const MAX_RESPONSE_CHARS = 8 * 1024 * 1024;

// Taken at document_start, before the page can replace them.
const pageWindow = window;
const dispatch = window.dispatchEvent.bind(window);
const CustomEventConstructor = CustomEvent;
const stringify = JSON.stringify;

/** Text, JSON (incl. vendor `+json` types) and HTML; never images, blobs or streams of bytes. */
export function isTextual(contentType: string): boolean {
  return /json|^\s*text\/|html/i.test(contentType);
}

export function tooLarge(length: number): boolean {
  return length > MAX_RESPONSE_CHARS;
}

/** Relative URLs resolve against the page, as the browser does; null when unparseable. */
export function absoluteUrl(url: string): string | null {
  try {
    return new URL(url, pageWindow.location.href).href;
  } catch {
    return null;
  }
}

/** FormData as URL-encoded text (files left out); strings and URLSearchParams as they are. */
export function requestBodyText(body: unknown): string | null {
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (typeof FormData !== "undefined" && body instanceof FormData) {
    const fields = new URLSearchParams();
    body.forEach((value, key) => {
      if (typeof value === "string") fields.append(key, value);
    });
    return fields.toString();
  }
  return null;
}

export function emitExchange(exchange: InterceptedExchange): void {
  // A string detail crosses from the page's world to the content script's; objects do not.
  const event = new CustomEventConstructor(INTERCEPT_EVENT, { detail: stringify(exchange) });
  dispatch(event);
}

/**
 * Makes a wrapper look like the function it replaces (`name`, `length`,
 * `toString()`), so feature checks and logging in the page see no difference.
 */
export function disguise<T extends object>(wrapper: T, original: T): T {
  try {
    const source = Function.prototype.toString.call(original);
    Object.defineProperty(wrapper, "toString", { value: () => source, configurable: true, writable: true });
    Object.defineProperty(wrapper, "name", { value: (original as { name?: string }).name ?? "" });
    Object.defineProperty(wrapper, "length", { value: (original as { length?: number }).length ?? 0 });
  } catch {
    // cosmetic only
  }
  return wrapper;
}
