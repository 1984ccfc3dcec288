import { readFile } from "node:fs/promises";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { HAS_CHROMIUM, CHROMIUM, collectErrors, launchBrowser, snap } from "../support/browser.js";
import {
  allSectionsDone,
  openPage as openPageOn,
  planReady,
  recordLayoutShifts,
  shiftScore,
  draftWithoutReview,
} from "./page-helpers.js";
import { DOCX_TYPE, makeDocx } from "../support/documents.js";
import { fixturePath } from "../support/drafting.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");
/** Markup that would run if the page ever put untrusted text into the DOM as HTML. */
const HOSTILE = `<script>window.__pwned = "script"</script><img src=x onerror="window.__pwned='img'">`;

describe.skipIf(!HAS_CHROMIUM)(
  `the web page in Chromium${HAS_CHROMIUM ? "" : ` (skipped: no browser at ${CHROMIUM})`}`,
  () => {
    let server: TestServer;
    let base: string;
    let browser: Browser;
    /** While set, the model refuses the Testing Strategy section. */
    let failTesting = false;

    beforeAll(async () => {
      // Model output carries hostile markup too: it must stay text on the page.
      // The server offers a second template, beside the bundled one.
      const templates = mkdtempSync(join(tmpdir(), "plandraft-page-templates-"));
      writeFileSync(join(templates, "spike.md"), readFileSync(fixturePath("templates/spike.md")));
      server = await startTestServer(
        { PLANDRAFT_TEMPLATES: templates },
        {
          latencyMs: 150,
          chunkDelayMs: 4,
          respond: (request) =>
            failTesting && request.toolName === "testing"
              ? { kind: "error", status: 400, message: "scripted refusal" }
              : undefined,
          fill: (path, schema) =>
            schema.type === "string" && !schema.enum && path.at(-1) === "rationale"
              ? `Because ${HOSTILE} said so`
              : undefined,
        },
      );
      base = server.base;
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    const openPage = (width = 1280) => openPageOn(browser, base, width);

    /** Every diagram on the page is drawn as an svg, and no section failed to render. */
    const expectEveryDiagramDrawn = async (page: Page) => {
      // Polled on a timer and on the DOM, not on animation frames and visibility: after the page
      // has been offline, Chromium can hold a visibility wait past its timeout with the svg drawn.
      await page.waitForFunction(() => document.querySelector("figure.diagram svg"), undefined, {
        polling: 100,
      });
      expect(await page.locator("figure.diagram").count()).toBeGreaterThan(0);
      expect(await page.locator("figure.diagram:not(:has(svg))").count()).toBe(0);
      expect(await page.locator("text=Could not render this section").count()).toBe(0);
    };

    /** The states of the sections, in page order. */
    const states = (page: Page) =>
      page.$$eval("article.section", (all) => all.map((a) => (a as HTMLElement).dataset.state));

    it("drafts a pasted doc: every section laid out at once, each goes from waiting to done", async () => {
      const served = await fetch(base);
      expect(served.headers.get("content-type")).toMatch(/^text\/html/);
      const csp = served.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toContain("upgrade-insecure-requests");
      const { page, errors } = await openPage();
      await page.waitForSelector("#feature");
      const shifts = await recordLayoutShifts(page);
      await snap(page, "01-start");
      // Record the order in which sections turn done on the page.
      await page.evaluate(() => {
        const done: string[] = [];
        (window as { __done?: string[] }).__done = done;
        new MutationObserver((changes) => {
          for (const change of changes) {
            const target = change.target as HTMLElement;
            if (target.matches("article.section") && target.dataset.state === "done") {
              done.push(target.id.replace(/^section-/, ""));
            }
          }
        }).observe(document.body, { subtree: true, attributeFilter: ["data-state"] });
      });
      await page.fill("#feature", `${FEATURE}\n\n${HOSTILE}\n`);
      await draftWithoutReview(page);
      await page.waitForURL(/\/drafts\/[0-9a-f-]{36}$/);
      await page.waitForSelector("article.section");
      const laidOut = await states(page);
      expect(laidOut.length).toBeGreaterThanOrEqual(10);
      await page.waitForSelector('article.section[data-state="drafting"]');
      await snap(page, "02-drafting");
      await allSectionsDone(page);
      await page.waitForSelector("figure.diagram svg");
      await planReady(page);
      await snap(page, "03-done");

      // Sections turned done in the order the server completed them.
      const draftId = page.url().split("/").at(-1) ?? "";
      const replay = await fetch(`${base}/v1/drafts/${draftId}/events`);
      const completedOrder = [
        ...(await replay.text()).matchAll(/event: section\.completed\ndata: (.*)/g),
      ].map((m) => (JSON.parse(m[1] ?? "{}") as { section: string }).section);
      expect(await page.evaluate(() => (window as { __done?: string[] }).__done)).toEqual(
        completedOrder,
      );

      // Nothing on the page moved by itself while the sections filled in.
      const moved = await shifts();

      expect(shiftScore(moved)).toBeLessThan(0.01);

      // Tables render as tables, and the hostile markup stayed inert.
      expect(await page.locator(".markdown table").count()).toBeGreaterThan(0);
      expect(await page.evaluate(() => (window as { __pwned?: string }).__pwned)).toBeUndefined();
      expect(await page.locator(".markdown script, .markdown img[onerror]").count()).toBe(0);

      // The download is the server's plan.md, byte for byte.
      const id = page.url().split("/").at(-1) ?? "";
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("text=Download plan.md"),
      ]);
      expect(download.suggestedFilename()).toBe("plan.md");
      const saved = await readFile((await download.path()) ?? "", "utf8");
      const plan = await (await fetch(`${base}/v1/drafts/${id}/plan.md`)).text();
      expect(saved).toBe(plan);
      expect(errors).toEqual([]);
    });

    it("works from the keyboard: skip link first, then the form's fields in order", async () => {
      const { page, errors } = await openPage();
      await page.waitForSelector("#feature");
      const order: string[] = [];
      for (let i = 0; i < 10; i += 1) {
        await page.keyboard.press("Tab");
        order.push(
          await page.evaluate(() => {
            const active = document.activeElement as HTMLElement | null;
            return active?.id || active?.textContent?.trim() || active?.tagName || "";
          }),
        );
      }
      expect(order).toEqual([
        "Skip to content",
        "plandraft",
        "Past drafts",
        "feature",
        "feature-file",
        "title",
        "model",
        "template",
        "review-first",
        "Draft the plan",
      ]);
      // Every field has a label a screen reader reads out.
      const unlabelled = await page.$$eval("input, textarea, select", (fields) =>
        (fields as HTMLInputElement[])
          .filter((f) => !f.hidden && !f.labels?.length)
          .map((f) => f.id),
      );
      expect(unlabelled).toEqual([]);
      expect(errors).toEqual([]);
    });

    it("takes a dropped file, and says why before sending an empty, binary or oversized one", async () => {
      const { page, errors } = await openPage();
      const drop = (name: string, bytes: number[], type = "text/markdown") =>
        page.evaluate(
          ({ name, bytes, type }) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, { type }));
            document.dispatchEvent(
              new DragEvent("drop", { dataTransfer: transfer, bubbles: true }),
            );
          },
          { name, bytes, type },
        );
      await page.waitForSelector("#feature"); // the form, and its drop handler, are in place
      await drop("empty.md", []);
      await page.waitForSelector("text=empty.md is empty.");
      await drop("image.md", [0x89, 0x50, 0x4e, 0x47, 0, 0, 0]);
      await page.waitForSelector("text=image.md is a binary file");
      await drop("huge.md", [...Buffer.alloc(600 * 1024, 0x61)]);
      await expect
        .poll(() => page.locator(".form-error").textContent(), { timeout: 20_000 })
        .toBe("huge.md is 600 KiB, over the 512 KiB limit.");
      await drop("feature.md", [...Buffer.from(FEATURE, "utf8")]);
      await page.waitForFunction(() =>
        (document.querySelector("#feature") as HTMLTextAreaElement).value.includes("Watchlist"),
      );
      await draftWithoutReview(page);
      await page.waitForURL(/\/drafts\//);
      await page.waitForSelector("article.section");
      expect(errors).toEqual([]);
    });

    it("sends a dropped Word document as it is, and the server reads it", async () => {
      const { page, errors } = await openPage();
      await page.waitForSelector("#feature");
      const docx = await makeDocx({
        title: "Saved searches",
        heading: "Scope",
        bullets: ["Save"],
        text: "x",
      });
      await page.evaluate(
        ({ bytes, type }) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([new Uint8Array(bytes)], "spec.docx", { type }));
          document.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
        },
        { bytes: [...docx], type: DOCX_TYPE },
      );
      await page.waitForSelector("text=spec.docx will be sent as it is");
      await draftWithoutReview(page);
      await page.waitForURL(/\/drafts\//);
      const id = page.url().split("/").at(-1) ?? "";
      const detail = (await (await fetch(`${base}/v1/drafts/${id}`)).json()) as { title: string };
      expect(detail.title).toBe("Saved searches");
      expect(errors).toEqual([]);
    });

    it("continues a draft after a reload, with no text lost or doubled", async () => {
      const { page, errors } = await openPage();
      await page.fill("#feature", FEATURE);
      await draftWithoutReview(page);
      await page.waitForSelector('article.section[data-state="drafting"]');
      await page.reload();
      const shifts = await recordLayoutShifts(page);
      await allSectionsDone(page);
      const id = page.url().split("/").at(-1) ?? "";
      const detail = (await (await fetch(`${base}/v1/drafts/${id}`)).json()) as {
        sections: { id: string }[];
      };
      expect(await page.locator("article.section").count()).toBe(detail.sections.length);
      // Each section shows its finished markdown once, and no streamed text is left over. A
      // section is "done" as its text arrives; its diagrams are drawn before the text goes in,
      // and the reloaded page loads the diagram renderer first: on a busy machine that takes
      // seconds, so the wait is on the page, not on a poll's one-second default.
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll("article.section")].every(
            (a) => a.querySelector(".markdown:not(.live-text)") !== null,
          ),
        undefined,
        { timeout: 60_000 },
      );
      for (const section of detail.sections) {
        expect(await page.locator(`[id="section-${section.id}"] .markdown`).count()).toBe(1);
      }
      expect(await page.locator(".live-text").count()).toBe(0);
      // Picked up where it was, the page still moved nothing by itself.
      expect(shiftScore(await shifts())).toBeLessThan(0.01);
      expect(errors).toEqual([]);
    });

    it("picks up after the network drops mid-draft, with no text lost or doubled", async () => {
      const { page, errors } = await openPage();
      await page.fill("#feature", FEATURE);
      await draftWithoutReview(page);
      await page.waitForSelector('article.section[data-state="drafting"]');
      // The connection drops (as a proxy or a flaky network drops it), and stays down a moment.
      await page.context().setOffline(true);
      server.app.server.closeAllConnections();
      await page.waitForSelector("text=Connection lost; reconnecting…");
      await page.context().setOffline(false);
      // Back on the stream, the status says what the draft is doing again.
      await page.waitForFunction(
        () => !document.querySelector(".status")?.textContent?.includes("Connection lost"),
      );
      await allSectionsDone(page);
      await planReady(page);
      // Diagram code that was coming in when the network dropped is fetched again: every diagram
      // is drawn, and no section is left unrendered.
      await expectEveryDiagramDrawn(page);
      // The page checks that each section's streamed text adds up to its final text, and says so
      // in the console when it does not. The browser's own lines for the requests the drop cut
      // off are expected here, and nothing else.
      const expected =
        /ERR_INTERNET_DISCONNECTED|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_CONTENT_LENGTH_MISMATCH|Failed to fetch/;
      expect(errors.filter((e) => !expected.test(e))).toEqual([]);
    });

    it("draws the diagrams when the first fetch of the diagram code fails", async () => {
      const { page, errors } = await openPage();
      await page.waitForSelector("#feature");
      // The page's own code is in; what is fetched from now on is mermaid's, loaded at the first
      // diagram. Its first request fails as a dropped network fails it.
      let cut = 0;
      await page.route("**/assets/chunk-*.js", (route) =>
        cut++ === 0 ? route.abort("internetdisconnected") : route.continue(),
      );
      await page.fill("#feature", FEATURE);
      await draftWithoutReview(page);
      await planReady(page);
      await expectEveryDiagramDrawn(page);
      expect(cut).toBeGreaterThan(1);
      expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    });

    it("draws the diagrams when the code of their diagram type is cut off mid-load", async () => {
      const { page, errors } = await openPage();
      await page.waitForSelector("#feature");
      // mermaid's own chunks come first; each diagram type's code is a chunk it loads at the
      // first diagram of that type, later in the run. These requests fail as a dropped network
      // fails them (before the fix, such a diagram showed as "does not parse" for good).
      let requests = 0;
      await page.route("**/assets/chunk-*.js", (route) => {
        requests += 1;
        const late = requests >= 20 && requests <= 21;
        return late ? route.abort("internetdisconnected") : route.continue();
      });
      await page.fill("#feature", FEATURE);
      await draftWithoutReview(page);
      await planReady(page);
      expect(requests).toBeGreaterThanOrEqual(21);
      await expectEveryDiagramDrawn(page);
      expect(await page.locator(".diagram-error").count()).toBe(0);
      expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    });

    it("revises a finished section in place, and shows the earlier version", async () => {
      const { page, errors } = await openPage();
      await page.fill("#feature", FEATURE);
      await draftWithoutReview(page);
      await planReady(page);
      const testing = page.locator("article.section", { hasText: "Testing Strategy" }).first();
      await testing.locator("button", { hasText: "Revise" }).click();
      await testing.locator("textarea").fill("Add a load test of the nightly import.");
      await snap(page, "05-revise-form");
      await testing.locator("button", { hasText: "Re-draft this section" }).click();
      await page.waitForSelector("text=version 2", { timeout: 60_000 });
      expect(await testing.getAttribute("data-state")).toBe("done");
      const id = page.url().split("/").at(-1) ?? "";
      const latest = await fetch(`${base}/v1/drafts/${id}/plan.md`);
      expect(latest.headers.get("x-plan-version")).toBe("2");
      await page.selectOption("#version", "1");
      await page.waitForSelector(".version-view h1");
      expect(await page.locator(".sections").isHidden()).toBe(true);
      await snap(page, "06-version-1");
      expect(errors).toEqual([]);
    });

    it("shows a failed section's reason, and drafts it again on Retry", async () => {
      const { page, errors } = await openPage();
      failTesting = true;
      await page.fill("#feature", FEATURE);
      await draftWithoutReview(page);
      const testing = page.locator("article.section", { hasText: "Testing Strategy" }).first();
      await page.waitForSelector("text=The draft failed", { timeout: 60_000 });
      expect(await testing.getAttribute("data-state")).toBe("failed");
      expect(await testing.locator(".failure").textContent()).toContain("MODEL_ERROR");
      await snap(page, "09-failed-section");
      failTesting = false;
      await testing.locator("button", { hasText: "Retry" }).click();
      await planReady(page);
      expect(await testing.getAttribute("data-state")).toBe("done");
      expect(errors).toEqual([]);
    });

    it("sanitizes markdown it is sent, and shows a diagram that does not parse as its source with the error", async () => {
      // Events crafted past the server's own escaping: the page must hold on its own.
      const id = "00000000-0000-4000-8000-000000000001";
      const section = { id: "s1", title: "Hostile", dependsOn: [] };
      const markdown = [
        "## Hostile",
        "",
        `Raw ${HOSTILE} and <a href="javascript:window.__pwned='link'">a link</a>`,
        "",
        "```mermaid",
        "flowchart LR",
        "  A -->",
        "```",
      ].join("\n");
      const events: [string, string, object][] = [
        ["1", "draft.started", { id, title: "Hostile", sections: [section], resumed: false }],
        ["2", "section.started", { section: "s1" }],
        ["3", "section.completed", { section: "s1", status: "drafted", markdown }],
      ];
      const body = events
        .map(([n, type, data]) => `id: ${n}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`)
        .join("");
      const { page, errors } = await openPage();
      await page.route(`**/v1/drafts/${id}`, (route) =>
        route.fulfill({
          json: {
            id,
            title: "Hostile",
            status: "running",
            model: "x",
            createdAt: "",
            versions: 0,
            usage: null,
            error: null,
            sections: [{ ...section, state: "waiting" }],
          },
        }),
      );
      await page.route(`**/v1/drafts/${id}/events`, (route) =>
        route.fulfill({ status: 200, contentType: "text/event-stream", body }),
      );
      await page.goto(`${base}/drafts/${id}`);
      await page.waitForSelector("figure.diagram-error");
      expect(await page.locator("figure.diagram-error pre").textContent()).toContain("A -->");
      expect(await page.locator("figure.diagram-error p").textContent()).toMatch(/does not parse/);
      // Nothing of mermaid's own error drawing is left in the page.
      expect(await page.locator("body > [id^=d], body > svg").count()).toBe(0);
      await page.click("text=a link").catch(() => undefined);
      expect(await page.evaluate(() => (window as { __pwned?: string }).__pwned)).toBeUndefined();
      expect(
        await page
          .locator(".markdown script, .markdown [onerror], .markdown a[href^=javascript]")
          .count(),
      ).toBe(0);
      await snap(page, "10-hostile-markdown");
      // Expected lines here: the routed stream ends without a last event, so the page reconnects;
      // and Chromium reports the CSP refusing the inline handler even while the sanitizer parses
      // the markup inertly (it never runs: see __pwned above).
      const expected =
        /ERR_|Failed to load|inline event handler violates .*Content Security Policy/;
      expect(errors.filter((e) => !expected.test(e))).toEqual([]);
    });

    it("shows a title taken from the doc as written: a `<` is a `<`, never `&lt;`", async () => {
      // (No `_` or `*` in it: a title taken from a heading drops markdown's emphasis marks.)
      const title = `Tom <b>&</b> Jerry's <script>window.pwned = "title"</script> watchlist`;
      const feature = FEATURE.replace("# Supplier Risk Watchlist", `# ${title}`);
      const posted = await fetch(`${base}/v1/drafts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ feature, model: "none" }),
      });
      const { id } = (await posted.json()) as { id: string };
      const { page, errors } = await openPage();
      await page.goto(`${base}/drafts/${id}`);
      const headingIs = (text: string) =>
        [...document.querySelectorAll("h1")].some((h) => h.textContent === text);
      await page.waitForFunction(headingIs, title, { timeout: 10_000 });
      expect(await page.title()).toBe(`${title} · plandraft`);
      await page.goto(`${base}/drafts`);
      const link = page.locator(`a[href="/drafts/${id}"]`);
      await link.waitFor();
      expect(await link.textContent()).toBe(title);
      expect(await page.evaluate(() => (window as { pwned?: string }).pwned)).toBeUndefined();
      expect(errors).toEqual([]);
    });

    it("drafts with the model and the template chosen among those the server offers", async () => {
      const { page, errors } = await openPage();
      await page.waitForSelector("#model");
      const offered = await page.$$eval("#model option", (all) =>
        all.map((o) => (o as HTMLOptionElement).value),
      );
      expect(offered).toEqual(["openai:scripted", "none"]);
      expect(await page.inputValue("#model")).toBe("openai:scripted");
      await page.fill("#feature", FEATURE);
      await page.selectOption("#model", "none");
      await draftWithoutReview(page);
      await planReady(page);
      const id = page.url().split("/").at(-1) ?? "";
      const draft = (await (await fetch(`${base}/v1/drafts/${id}`)).json()) as { model: string };
      expect(draft.model).toBe("none");

      // Another template the server offers: its sections are the ones laid out and drafted.
      await page.goto(base);
      await page.waitForSelector("#template");
      const templates = await page.$$eval("#template option", (all) =>
        all.map((o) => (o as HTMLOptionElement).textContent),
      );
      expect(templates).toEqual([
        "Implementation Plan (bundled)",
        "Spike Plan",
        "My own template (a markdown file)…",
      ]);
      await page.fill("#feature", FEATURE);
      await page.selectOption("#model", "none");
      await page.selectOption("#template", "spike");
      await draftWithoutReview(page);
      await planReady(page);
      const titles = await page.$$eval(".section-title", (all) => all.map((t) => t.textContent));
      expect(titles).toEqual(["Question", "Approach", "Outcome"]);
      expect(errors).toEqual([]);
    });

    it("reads well in a dark colour scheme", async () => {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        colorScheme: "dark",
      });
      const page = await context.newPage();
      const errors = collectErrors(page);
      await page.goto(`${base}/drafts`);
      await page.waitForSelector("ul.draft-list li a");
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe("rgb(17, 20, 24)");
      await snap(page, "07-dark-list");
      await page.click("ul.draft-list li a");
      await page.waitForSelector("article.section");
      await planReady(page);
      await snap(page, "08-dark-draft");
      expect(errors).toEqual([]);
    });

    it("fits a 375 px wide screen without sideways scrolling", async () => {
      const { page, errors } = await openPage(375);
      await page.fill("#feature", FEATURE);
      await draftWithoutReview(page);
      await planReady(page);
      await page.waitForSelector("figure.diagram svg");
      await snap(page, "04-narrow");
      await snap(page, "04-narrow-in-view", false);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      expect(errors).toEqual([]);
    });
  },
);

describe.skipIf(!HAS_CHROMIUM)("the web page of a server with an API token", () => {
  const token = "a-long-enough-page-token";
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ PLANDRAFT_API_TOKEN: token });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("asks for the token, refuses a wrong one, and keeps the right one for the session only", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(server.base);
    await page.waitForSelector("text=This server needs an API token");
    await page.fill("#token", "not-the-right-token-at-all");
    await page.click("button[type=submit]");
    await page.waitForSelector("text=That token was not accepted.");
    await page.fill("#token", token);
    await page.click("button[type=submit]");
    await page.waitForSelector("#feature");
    await page.fill("#feature", FEATURE);
    await draftWithoutReview(page);
    await planReady(page);
    const kept = await page.evaluate(() => ({
      session: sessionStorage.getItem("plandraft.token"),
      local: Object.keys(localStorage).length,
    }));
    expect(kept).toEqual({ session: token, local: 0 });
    expect(page.url()).not.toContain(token);
    // The browser's own 401/403 lines for refused requests are expected here, and nothing else.
    expect(errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
  });
});
