// A stand-in for chrome.runtime: records what the content script sends and answers
// get-rules / get-overlays the way the test says.

import { vi } from "vitest";
import type { ToBackground, ToContent } from "../../src/shared/types";

export interface ChromeStub {
  sent: ToBackground[];
  answer: (message: ToBackground) => unknown;
  push(message: ToContent): void;
}

export function stubChrome(answer: (message: ToBackground) => unknown): ChromeStub {
  const listeners: ((message: unknown) => void)[] = [];
  const stub: ChromeStub = {
    sent: [],
    answer,
    push: (message) => listeners.forEach((listener) => listener(message)),
  };
  vi.stubGlobal("chrome", {
    runtime: {
      sendMessage: async (message: ToBackground) => {
        stub.sent.push(message);
        return stub.answer(message);
      },
      onMessage: { addListener: (listener: (message: unknown) => void) => listeners.push(listener) },
    },
  });
  return stub;
}

export function capturesSent(stub: ChromeStub): ToBackground[] {
  return stub.sent.filter((message) => message.type === "captures");
}
