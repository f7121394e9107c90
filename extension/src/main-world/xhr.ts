// Wraps XMLHttpRequest by patching open/send on its prototype: the constructor,
// `instanceof`, readyState and every event stay the browser's own. We only add a
// `loadend` listener to the instance.

import { absoluteUrl, disguise, emitExchange, isTextual, requestBodyText, tooLarge } from "./exchange";

interface OpenedRequest {
  url: string | null;
  method: string;
}

const opened = new WeakMap<XMLHttpRequest, OpenedRequest>();

function responseTextOf(xhr: XMLHttpRequest): string | null {
  if (xhr.responseType === "" || xhr.responseType === "text") return xhr.responseText;
  if (xhr.responseType === "json") return xhr.response === null ? null : JSON.stringify(xhr.response);
  return null; // blob, arraybuffer, document: not text we can hand over cheaply
}

function report(xhr: XMLHttpRequest, request: OpenedRequest, requestBody: string | null): void {
  if (request.url === null || xhr.status === 0) return; // aborted or network error
  const contentType = xhr.getResponseHeader("content-type") ?? "";
  if (!isTextual(contentType)) return;
  const responseText = responseTextOf(xhr);
  if (responseText === null || tooLarge(responseText.length)) return;
  emitExchange({
    url: xhr.responseURL || request.url,
    method: request.method,
    status: xhr.status,
    requestBody,
    responseText,
    contentType,
    at: Date.now(),
  });
}

export function wrapXhr(target: Window & typeof globalThis): void {
  const prototype = target.XMLHttpRequest?.prototype;
  if (!prototype) return;
  const originalOpen = prototype.open;
  const originalSend = prototype.send;

  const open = function (this: XMLHttpRequest, ...args: unknown[]): void {
    try {
      opened.set(this, { method: String(args[0]).toUpperCase(), url: absoluteUrl(String(args[1])) });
    } catch {
      // never let our bookkeeping break the page's request
    }
    Reflect.apply(originalOpen, this, args);
  };

  const send = function (this: XMLHttpRequest, ...args: unknown[]): void {
    try {
      const request = opened.get(this);
      if (request) {
        const requestBody = requestBodyText(args[0]);
        const xhr = this;
        xhr.addEventListener("loadend", () => {
          try {
            report(xhr, request, requestBody);
          } catch {
            // the page must never see our errors
          }
        });
      }
    } catch {
      // as above
    }
    Reflect.apply(originalSend, this, args);
  };

  prototype.open = disguise(open, originalOpen) as typeof prototype.open;
  prototype.send = disguise(send, originalSend);
}
