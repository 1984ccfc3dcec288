import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, HAS_CHROMIUM, launchBrowser, snap } from "../support/browser.js";
import {
  openPage as openPageOn,
  planReady,
  recordLayoutShifts,
  shiftScore,
  draftWithoutReview,
} from "./page-helpers.js";
import { fixturePath } from "../support/drafting.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");

/** Whether each section's text box scrolls (holds more than it shows), in page order. */
const scrolling = (page: Page) =>
  page.$$eval(".section-body", (bodies) =>
    bodies.map((b) => (b as HTMLElement).scrollHeight > (b as HTMLElement).clientHeight + 1),
  );

describe.skipIf(!HAS_CHROMIUM)(
  `the page's layout and what a screen reader gets${HAS_CHROMIUM ? "" : ` (skipped: no browser at ${CHROMIUM})`}`,
  () => {
    let server: TestServer;
    let browser: Browser;

    beforeAll(async () => {
      // Slow enough that a draft takes a few seconds: progress has time to be announced.
      server = await startTestServer({}, { latencyMs: 300, chunkDelayMs: 6 });
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    const startDraft = async (page: Page) => {
      await page.fill("#feature", FEATURE);
      await draftWithoutReview(page);
      await page.waitForURL(/\/drafts\/[0-9a-f-]{36}$/);
    };

    it("keeps every section in a box of one height while it drafts; Show all opens one, and a finished plan reads in full", async () => {
      const { page, errors } = await openPageOn(browser, server.base);
      await startDraft(page);
      await page.waitForSelector('article.section[data-state="done"]');
      const heights = await page.$$eval(".section-body", (all) =>
        all.map((b) => Math.round(b.getBoundingClientRect().height)),
      );
      expect(new Set(heights).size).toBe(1);

      // One box opened in full: it no longer scrolls, the others still hold the same height.
      // Pinned by its id: "the first done section" changes as others finish above it.
      const doneId = await page
        .locator('article.section[data-state="done"]')
        .first()
        .getAttribute("id");
      const done = page.locator(`[id="${doneId}"]`);
      const open = done.locator("button.expand");
      await open.click();
      expect(await open.getAttribute("aria-expanded")).toBe("true");
      expect(
        await done.locator(".section-body").evaluate((b) => b.scrollHeight <= b.clientHeight + 1),
      ).toBe(true);

      await planReady(page);
      expect((await scrolling(page)).some(Boolean)).toBe(true);
      await page.click("text=Show every section in full");
      expect(await page.getAttribute("section.draft", "data-layout")).toBe("read");
      expect(await scrolling(page)).not.toContain(true);
      await snap(page, "11-read-in-full");

      // The same plan opened from its link is read in full, and appears at once: nothing moves.
      const fresh = await openPageOn(browser, page.url());
      const shifts = await recordLayoutShifts(fresh.page);
      await fresh.page.waitForSelector("figure.diagram svg");
      expect(await fresh.page.getAttribute("section.draft", "data-layout")).toBe("read");
      expect(await scrolling(fresh.page)).not.toContain(true);
      expect(await fresh.page.locator("button.expand:visible").count()).toBe(0);
      const moved = await shifts();
      expect(shiftScore(moved), JSON.stringify(moved)).toBeLessThan(0.01);
      expect([...errors, ...fresh.errors]).toEqual([]);
    });

    it("announces progress to a screen reader at most every 2 s, and always the end", async () => {
      const { page, errors } = await openPageOn(browser, server.base);
      await page.evaluate(() => {
        const said: { at: number; text: string }[] = [];
        (window as { __said?: typeof said }).__said = said;
        const region = document.getElementById("announcer") as HTMLElement;
        new MutationObserver(() =>
          said.push({ at: performance.now(), text: region.textContent ?? "" }),
        ).observe(region, { childList: true, characterData: true, subtree: true });
      });
      await startDraft(page);
      await planReady(page);
      const said = await page.evaluate(
        () => (window as { __said?: { at: number; text: string }[] }).__said ?? [],
      );
      const sections = await page.locator("article.section").count();
      expect(said.at(-1)?.text).toBe("The plan is ready.");
      // Fewer messages than the sections' start and end events: progress is summed up.
      expect(said.length).toBeLessThan(2 * sections);
      const progress = said.filter((m) => /sections done\.$/.test(m.text));
      expect(progress.length).toBeGreaterThan(0);
      for (let i = 1; i < said.length; i += 1) {
        const message = said[i] as { at: number; text: string };
        if (!progress.includes(message)) continue;
        expect(message.at - (said[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1900);
      }
      expect(errors).toEqual([]);
    });

    it("gives a screen reader the page's structure: heading, landmarks, named regions and buttons", async () => {
      const { page, errors } = await openPageOn(browser, server.base);
      await startDraft(page);
      await planReady(page);
      const tree = await page.locator("main").ariaSnapshot();
      expect(tree).toContain('- heading "Supplier Risk Watchlist" [level=1]');
      expect(tree).toMatch(/- progressbar "Sections done"/);
      expect(tree).toContain('- button "Download plan.md"');
      expect(tree).toContain('- button "Show every section in full"');
      // The outline reads each section's state in words; its marks are decoration.
      expect(tree).toMatch(
        /- navigation "Sections":\n\s+- list:\n\s+- listitem:\n\s+- link "Executive Summary \(done\)"/,
      );
      expect(tree).toContain(
        '- link "Repository Changes Overview › 2. Gain Repository (/gain) (done)"',
      );
      expect(tree).not.toContain("●");
      expect(tree).toContain('- article "Testing Strategy"');
      expect(tree).toMatch(/- '?region "Testing Strategy: text"/);
      expect(tree).toContain('- button "Show all"');
      expect(tree).toMatch(/- button "Revise"/);
      // Every button and link has a name to read out.
      const unnamed = await page.$$eval(
        "main button, main a",
        (all) =>
          all.filter((e) => !(e.textContent ?? "").trim() && !e.getAttribute("aria-label")).length,
      );
      expect(unnamed).toBe(0);
      // The toggles say their state.
      await page.locator("button.expand").first().click();
      await page.click("text=Show every section in full");
      const after = await page.locator("main").ariaSnapshot();
      expect(after).toContain('- button "Show every section in full" [pressed]');
      expect(errors).toEqual([]);
    });
  },
);
