// Exchanges from the MAIN-world interceptor: buffered until the rules arrive, then
// turned into `api` / `action` captures by the platform's rules.

import { findActionRule, findApiRule } from "../shared/rules";
import { INTERCEPT_EVENT, type Capture, type InterceptedExchange, type Platform } from "../shared/types";
import { newCapture } from "./captures";
import { parseExchange } from "./validate";
import { measured } from "./perf";

const MAX_BUFFERED = 200;
const MAX_BUFFERED_CHARS = 32 * 1024 * 1024;

export type ExchangeConsumer = (exchange: InterceptedExchange) => void;

/** Listens from document_start; keeps the newest exchanges until someone consumes them. */
export class ExchangeInbox {
  private buffer: InterceptedExchange[] = [];
  private bufferedChars = 0;
  private consumer: ExchangeConsumer | null = null;
  private readonly onEvent = (event: Event): void =>
    measured("seenby-capture:exchange", () => {
      const exchange = parseExchange((event as CustomEvent<unknown>).detail);
      if (exchange === null) return;
      if (this.consumer) this.consumer(exchange);
      else this.keep(exchange);
    });

  constructor(private readonly target: EventTarget) {
    target.addEventListener(INTERCEPT_EVENT, this.onEvent);
  }

  private keep(exchange: InterceptedExchange): void {
    this.buffer.push(exchange);
    this.bufferedChars += exchange.responseText.length;
    while (this.buffer.length > MAX_BUFFERED || this.bufferedChars > MAX_BUFFERED_CHARS) {
      const dropped = this.buffer.shift();
      this.bufferedChars -= dropped?.responseText.length ?? 0;
    }
  }

  /** Hands over what was buffered, then every new exchange as it arrives. */
  consume(consumer: ExchangeConsumer): void {
    this.consumer = consumer;
    const buffered = this.buffer.splice(0);
    this.bufferedChars = 0;
    for (const exchange of buffered) consumer(exchange);
  }

  stop(): void {
    this.target.removeEventListener(INTERCEPT_EVENT, this.onEvent);
    this.buffer = [];
    this.consumer = null;
  }
}

/** Parsed JSON when the text is JSON, else the text itself. */
function jsonOrText(text: string, looksJson: boolean): unknown {
  if (looksJson) {
    try {
      return JSON.parse(text);
    } catch {
      // e.g. newline-delimited JSON chunks: the parser gets the text
    }
  }
  return text;
}

function requestBodyValue(text: string | null): unknown {
  if (text === null || text === "") return undefined;
  return jsonOrText(text, /^\s*[[{"]/.test(text));
}

/** The capture an exchange stands for under `platform`'s rules: an action first, else an API read. */
export function captureFromExchange(platform: Platform, exchange: InterceptedExchange, pageUrl: string): Capture | null {
  const action = findActionRule(platform, exchange.url, exchange.method, exchange.requestBody);
  const api = action ? null : findApiRule(platform, exchange.url, exchange.method);
  const operation = action?.action ?? api?.operation;
  if (operation === undefined) return null;
  return newCapture(
    platform.name,
    {
      kind: action ? "action" : "api",
      url: exchange.url,
      method: exchange.method,
      status: exchange.status,
      body: jsonOrText(exchange.responseText, /json/i.test(exchange.contentType)),
      request_body: requestBodyValue(exchange.requestBody),
      operation,
    },
    pageUrl,
  );
}
