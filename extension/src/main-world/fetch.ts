// Wraps window.fetch. The page gets the very promise the browser returned (same
// Response object, timing and rejections); a clone is read on the side.

import { absoluteUrl, disguise, emitExchange, isTextual, requestBodyText, tooLarge } from "./exchange";

interface PendingRequest {
  url: string;
  method: string;
  requestBody: Promise<string | null>;
}

function describe(input: unknown, init: RequestInit | undefined): PendingRequest | null {
  const request = input instanceof Request ? input : null;
  const url = absoluteUrl(request ? request.url : String(input));
  if (url === null) return null;
  const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
  let requestBody: Promise<string | null> = Promise.resolve(null);
  if (init?.body !== undefined && init.body !== null) {
    requestBody = Promise.resolve(requestBodyText(init.body));
  } else if (request && method !== "GET" && method !== "HEAD" && !request.bodyUsed) {
    // Cloned before fetch() consumes the body; the page's Request stays untouched.
    requestBody = request.clone().text().catch(() => null);
  }
  return { url, method, requestBody };
}

async function observe(response: Response, pending: PendingRequest): Promise<void> {
  const contentType = response.headers.get("content-type") ?? "";
  if (!isTextual(contentType)) return;
  const declaredLength = Number(response.headers.get("content-length") ?? "0");
  if (tooLarge(declaredLength) || response.bodyUsed) return;
  const responseText = await response.clone().text();
  if (tooLarge(responseText.length)) return;
  emitExchange({
    url: response.url || pending.url,
    method: pending.method,
    status: response.status,
    requestBody: await pending.requestBody,
    responseText,
    contentType,
    at: Date.now(),
  });
}

export function wrapFetch(target: Window & typeof globalThis): void {
  const originalFetch = target.fetch;
  if (typeof originalFetch !== "function") return;
  const fetch = function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let pending: PendingRequest | null = null;
    try {
      pending = arguments.length > 0 ? describe(input, init) : null;
    } catch {
      pending = null;
    }
    // Called exactly as the page called it: same `this`, same arguments (even their
    // count), same synchronous throw.
    const result: Promise<Response> = Reflect.apply(originalFetch, this, arguments);
    try {
      if (pending !== null) {
        const described = pending;
        // A side branch: the page's own handlers still see every rejection.
        result.then(
          (response) => observe(response, described).catch(() => undefined),
          () => undefined,
        );
      }
    } catch {
      // never disturb the page
    }
    return result;
  };
  target.fetch = disguise(fetch, originalFetch);
}
