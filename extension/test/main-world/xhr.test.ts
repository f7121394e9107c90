// @vitest-environment happy-dom
// The XHR wrapper against a real local server: the page's XMLHttpRequest behaves
// exactly as before (state, events, responseText, errors) and we report a copy.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { wrapXhr } from "../../src/main-world/xhr";
import { INTERCEPT_EVENT, type InterceptedExchange } from "../../src/shared/types";
import { goTo } from "../content/helpers";

let server: Server;
let origin: string;
let seen: InterceptedExchange[];
let native: { open: XMLHttpRequest["open"]; send: XMLHttpRequest["send"] };

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      if (request.url?.startsWith("/image")) {
        response.writeHead(200, { "content-type": "image/png" }).end("PNG");
      } else if (request.url?.startsWith("/missing")) {
        response.writeHead(404, { "content-type": "text/html" }).end("<p>gone</p>");
      } else {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ got: body, url: request.url }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  goTo(`${origin}/page`);
  window.addEventListener(INTERCEPT_EVENT, (event) => {
    seen.push(JSON.parse((event as CustomEvent<string>).detail) as InterceptedExchange);
  });
  native = { open: XMLHttpRequest.prototype.open, send: XMLHttpRequest.prototype.send };
  wrapXhr(window);
});

afterAll(() => {
  server.close();
});

beforeEach(() => {
  seen = [];
});

/** Runs one request the way a page would, recording what the page observes. */
function request(
  method: string,
  url: string,
  body: Document | XMLHttpRequestBodyInit | null = null,
  responseType: XMLHttpRequestResponseType = "",
): Promise<{ xhr: XMLHttpRequest; states: number[]; events: string[] }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const states: number[] = [];
    const events: string[] = [];
    xhr.onreadystatechange = () => states.push(xhr.readyState);
    for (const type of ["load", "error", "loadend"]) xhr.addEventListener(type, () => events.push(type));
    xhr.addEventListener("loadend", () => setTimeout(() => resolve({ xhr, states, events }), 0));
    xhr.open(method, url);
    xhr.responseType = responseType;
    xhr.send(body);
  });
}

describe("XMLHttpRequest wrapper", () => {
  it("leaves the page's request untouched and reports the response text", async () => {
    const { xhr, states, events } = await request("post", "/api/v1/statuses", "status=hi");
    expect(xhr).toBeInstanceOf(XMLHttpRequest);
    expect(xhr.status).toBe(200);
    expect(JSON.parse(xhr.responseText)).toEqual({ got: "status=hi", url: "/api/v1/statuses" });
    expect(states.at(-1)).toBe(4);
    expect(events).toEqual(["load", "loadend"]);
    expect(seen).toEqual([
      {
        url: `${origin}/api/v1/statuses`,
        method: "POST",
        status: 200,
        requestBody: "status=hi",
        responseText: xhr.responseText,
        contentType: "application/json",
        at: expect.any(Number),
      },
    ]);
  });

  it("reports responseType json as JSON text, and error statuses too", async () => {
    const { xhr } = await request("GET", "/timeline", null, "json");
    expect(xhr.response).toEqual({ got: "", url: "/timeline" });
    expect(JSON.parse(seen[0]?.responseText ?? "")).toEqual(xhr.response);
    await request("GET", "/missing");
    expect(seen[1]).toMatchObject({ status: 404, responseText: "<p>gone</p>", contentType: "text/html" });
  });

  it("skips binary responses and blob response types", async () => {
    await request("GET", "/image");
    await request("GET", "/as-blob", null, "blob");
    expect(seen).toEqual([]);
  });

  it("keeps network errors the page's own", async () => {
    const { xhr, events } = await request("GET", "http://127.0.0.1:1/unreachable");
    expect(xhr.status).toBe(0);
    expect(events).toContain("error");
    expect(seen).toEqual([]);
  });

  it("keeps the prototype's methods looking like the browser's", () => {
    const { open, send } = XMLHttpRequest.prototype;
    expect(open).not.toBe(native.open);
    expect([open.name, open.length, String(open)]).toEqual([native.open.name, native.open.length, String(native.open)]);
    expect([send.name, send.length, String(send)]).toEqual([native.send.name, native.send.length, String(native.send)]);
  });
});
