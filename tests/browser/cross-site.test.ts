import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { CHROMIUM, HAS_CHROMIUM, launchBrowser } from "../support/browser.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

/** A page on another site that tries to start a draft on the user's local server. */
function attackPages(target: string): Record<string, string> {
  const feature = "# Evil draft\\n\\nStarted by a page the user happened to visit.";
  return {
    // A form needs no preflight, and text/plain reaches a server that takes text bodies.
    "/form": `<!doctype html><form id=f method=POST enctype="text/plain" action="${target}/v1/drafts">
      <input type=hidden name="# Evil form draft" value="x"></form>
      <script>document.getElementById("f").submit()</script>`,
    // A no-cors fetch cannot read the answer, but it does send the request.
    "/fetch": `<!doctype html><script>
      fetch("${target}/v1/drafts", { method: "POST", mode: "no-cors",
        headers: { "content-type": "text/plain" }, body: "${feature}" })
        .then(() => { document.title = "sent" }, () => { document.title = "sent" });
    </script>`,
  };
}

async function serveAttacker(target: string): Promise<{ port: number; close(): Promise<void> }> {
  const pages = attackPages(target);
  const server = http.createServer((request, response) => {
    const page = pages[request.url ?? ""];
    response.writeHead(page ? 200 : 404, { "content-type": "text/html" }).end(page ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The statuses the server answered to POST /v1/drafts, from its request log. */
function postStatuses(server: TestServer): number[] {
  const lines = server.logs.map((line) => JSON.parse(line) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
  const posts = new Set(
    lines
      .filter((l) => l.req?.method === "POST" && l.req?.url === "/v1/drafts")
      .map((l) => l.reqId as string),
  );
  return lines
    .filter((l) => posts.has(l.reqId as string) && l.res?.statusCode)
    .map((l) => l.res.statusCode as number);
}

describe.skipIf(!HAS_CHROMIUM)(
  `pages of other sites in Chromium${HAS_CHROMIUM ? "" : ` (skipped: no browser at ${CHROMIUM})`}`,
  () => {
    let server: TestServer;
    let attacker: Awaited<ReturnType<typeof serveAttacker>>;
    let browser: Browser;
    beforeAll(async () => {
      server = await startTestServer();
      attacker = await serveAttacker(server.base);
      browser = await launchBrowser(["--host-resolver-rules=MAP rebind.test 127.0.0.1"]);
    });
    afterAll(async () => {
      await browser?.close();
      await attacker?.close();
      await server?.close();
    });

    it("cannot start a draft from another site's form or no-cors fetch, nor from another port", async () => {
      // localhost is another site than 127.0.0.1; another port of 127.0.0.1 is the same site.
      const origins = [`http://localhost:${attacker.port}`, `http://127.0.0.1:${attacker.port}`];
      const page = await browser.newPage();
      for (const origin of origins) {
        await Promise.all([
          page.waitForResponse((r) => r.url().endsWith("/v1/drafts")),
          page.goto(`${origin}/form`),
        ]);
        await page.goto(`${origin}/fetch`);
        await page.waitForFunction(() => document.title === "sent");
      }
      await expect.poll(() => postStatuses(server).length, { timeout: 20_000 }).toBe(4);
      expect(postStatuses(server)).toEqual([403, 403, 403, 403]);
      expect(await server.deps.drafts.list(10, 0)).toEqual([]);
      await page.close();
    });

    it("answers a page whose name was rebound to 127.0.0.1 with 403, so it reads no draft", async () => {
      const port = new URL(server.base).port;
      const page = await browser.newPage();
      const shell = await page.goto(`http://rebind.test:${port}/`);
      expect(shell?.status()).toBe(403);
      const read = await page.evaluate(async () => {
        const answer = await fetch("/v1/drafts");
        return { status: answer.status, body: (await answer.json()) as { code: string } };
      });
      expect(read).toMatchObject({ status: 403, body: { code: "HOST_NOT_ALLOWED" } });
      await page.close();
    });
  },
);
