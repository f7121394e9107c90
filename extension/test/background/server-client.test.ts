import { describe, expect, it } from "vitest";
import { parseDashboardLink } from "../../src/background/server-client";

describe("parseDashboardLink", () => {
  it("keeps only the login path and its code", () => {
    expect(parseDashboardLink({ url: "http://127.0.0.1:7717/dashboard/login?code=Zm9v-YmFy_0" })).toBe("/dashboard/login?code=Zm9v-YmFy_0");
    // Another host in the answer changes nothing: the worker opens its own server's address.
    expect(parseDashboardLink({ url: "https://evil.example/dashboard/login?code=abc&next=x" })).toBe("/dashboard/login?code=abc");
  });

  it("refuses anything but a login link", () => {
    expect(parseDashboardLink({ url: "http://127.0.0.1:7717/api/v1/status?code=abc" })).toBeNull();
    expect(parseDashboardLink({ url: "http://127.0.0.1:7717/dashboard/login" })).toBeNull();
    expect(parseDashboardLink({ url: "not a url" })).toBeNull();
    expect(parseDashboardLink({ url: 7 })).toBeNull();
    expect(parseDashboardLink(null)).toBeNull();
  });
});
