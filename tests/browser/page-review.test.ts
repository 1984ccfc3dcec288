import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { HAS_CHROMIUM, CHROMIUM, launchBrowser, snap } from "../support/browser.js";
import { briefFill } from "../support/brief.js";
import { fixturePath } from "../support/drafting.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { draftWithoutReview, openPage, planReady } from "./page-helpers.js";
import type { ScriptedRequest } from "../support/scripted-llm.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");
const REPOS = [
  { repo: "/data", touched: true, why: "the nightly alert job" },
  { repo: "/gain", touched: true, why: "the watchlist page and API" },
  { repo: "/edh", touched: true, why: "supplier ids" },
];

/** What the revision asks for, and what the scripted model then writes in its section. */
const FEEDBACK = "Name the alerts cache";
const REVISED = "Revised: the alerts are cached in Redis";

/** The architecture's decisions say REVISED once the revision's feedback asks for it. */
function revisedRationale(path: string[], req: ScriptedRequest): string | undefined {
  if (req.toolName !== "architecture" || path.at(-1) !== "rationale") return undefined;
  return JSON.stringify(req.body.messages).includes(FEEDBACK) ? REVISED : undefined;
}

/** Presses Tab until the element with `id` has the focus; fails after 40 presses. */
async function tabTo(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    if ((await page.evaluate(() => document.activeElement?.id ?? "")) === id) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached #${id}`);
}

describe.skipIf(!HAS_CHROMIUM)(
  `the review gate on the page${HAS_CHROMIUM ? "" : ` (skipped: no browser at ${CHROMIUM})`}`,
  () => {
    let server: TestServer;
    let browser: Browser;

    beforeAll(async () => {
      server = await startTestServer(
        {},
        {
          latencyMs: 50,
          fill: (path: string[], schema: unknown, req: ScriptedRequest) =>
            briefFill(REPOS)(path, schema, req) ?? revisedRationale(path, req),
        },
      );
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it("stops at the gate by default, survives a reload, and is answered from the keyboard alone", async () => {
      const { page, errors } = await openPage(browser, server.base);
      await page.waitForSelector("#feature");
      expect(await page.isChecked("#review-first")).toBe(true);
      await page.fill("#feature", FEATURE);
      await page.click("button[type=submit]");
      await page.waitForSelector("form.review");
      const calls = () => server.llm.requests.map((r) => r.toolName);
      expect(calls()).toEqual(["brief"]);
      // The person lands on the gate; the sections are laid out, none started.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("review-heading");
      expect(await page.textContent(".status")).toContain("Paused");
      const sectionStates = await page.$$eval("article.section", (all) =>
        all.map((a) => (a as HTMLElement).dataset.state),
      );
      expect(sectionStates.length).toBeGreaterThan(5);
      expect(new Set(sectionStates)).toEqual(new Set(["waiting"]));
      expect(await page.inputValue("#review-q1")).toBe("EU only");
      await snap(page, "review-01-gate");

      // The history list says it waits, and opens the same gate; so does a reload.
      await page.goto(`${server.base}/drafts`);
      await page.waitForSelector(".draft-list");
      expect(await page.textContent(".draft-list li:first-child .badge")).toBe("awaiting review");
      await page.click(".draft-list li:first-child a");
      await page.waitForSelector("form.review");
      await page.reload();
      await page.waitForSelector("form.review");
      expect(await page.locator("form.review").count()).toBe(1);
      expect(await page.inputValue("#review-q1")).toBe("EU only");
      // Every control of the gate has a label a screen reader reads out.
      const unlabelled = await page.$$eval(
        "form.review input, form.review textarea, form.review select",
        (fields) =>
          (fields as HTMLInputElement[]).filter((f) => !f.labels?.length).map((f) => f.id),
      );
      expect(unlabelled).toEqual([]);

      // An empty goal is refused by the server, and the page says what is wrong.
      await page.fill("#review-goal", "");
      await page.click("text=Approve and draft the plan");
      await page.waitForFunction(
        () => document.querySelector("form.review .form-error")?.textContent,
      );
      expect(await page.textContent("form.review .form-error")).toMatch(/goal/);
      await page.fill("#review-goal", "Analysts watch suppliers and get alerts");

      // Keyboard only: answer the question, mark /edh untouched, approve.
      await page.focus("#review-heading");
      await tabTo(page, "review-q1");
      await page.keyboard.press("Control+A");
      await page.keyboard.type("EU and US");
      await tabTo(page, "review-repo-2");
      await page.keyboard.press("Space");
      expect(await page.isChecked("#review-repo-2")).toBe(false);
      await tabTo(page, "review-approve");
      await page.keyboard.press("Enter");
      await planReady(page);
      expect(await page.locator("form.review").count()).toBe(0);

      const id = page.url().split("/").at(-1) ?? "";
      const plan = await (await fetch(`${server.base}/v1/drafts/${id}/plan.md`)).text();
      expect(plan).toContain("Answer: EU and US");
      expect(plan).toContain(
        "Marked untouched when the brief was reviewed: no change is planned in /edh",
      );
      expect(calls()).not.toContain("repoChanges_edh");
      await snap(page, "review-02-drafted");
      expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    });

    it("drafts straight away with the switch off, and a draft stopped at the gate ends cancelled", async () => {
      const { page } = await openPage(browser, server.base);
      await page.waitForSelector("#feature");
      await page.fill("#feature", FEATURE);
      await page.click("button[type=submit]");
      await page.waitForSelector("form.review");
      await page.click("text=Stop the draft");
      await page.waitForFunction(() =>
        document.querySelector(".status")?.textContent?.includes("stopped at the review"),
      );
      const id = page.url().split("/").at(-1) ?? "";
      const shown = (await (await fetch(`${server.base}/v1/drafts/${id}`)).json()) as {
        status: string;
      };
      expect(shown.status).toBe("cancelled");
      expect(await page.locator("form.review").count()).toBe(0);

      await page.goto(server.base);
      await page.waitForSelector("#feature");
      await page.fill("#feature", FEATURE);
      await page.uncheck("#review-first");
      await page.click("button[type=submit]");
      await planReady(page);
      expect(await page.locator("form.review").count()).toBe(0);
    });

    it("stops a revision for a person to keep or drop the re-drafted section, from the keyboard, after a reload", async () => {
      const { page, errors } = await openPage(browser, server.base);
      await page.waitForSelector("#feature");
      await page.fill("#feature", FEATURE);
      await draftWithoutReview(page);
      await planReady(page);
      const architecture = page
        .locator("article.section", { hasText: "Architecture Alignment" })
        .first();
      const reviseArchitecture = async () => {
        await architecture.locator("button", { hasText: "Revise" }).click();
        await architecture.locator("textarea").fill(FEEDBACK);
        await architecture.locator("text=Also re-draft the sections that build on it").click();
        await architecture.locator("text=Let me keep or drop it").click();
        await architecture.locator("button", { hasText: "Re-draft this section" }).click();
        await page.waitForSelector("form.review");
      };

      await reviseArchitecture();
      expect(await page.textContent("#review-heading")).toBe(
        "Keep the revised Architecture Alignment?",
      );
      expect(await page.textContent(".status")).toContain("Paused");
      expect(await page.textContent("form.review")).toContain("these are re-drafted next");
      await architecture.locator(`text=${REVISED}`).first().waitFor();
      const calls = () => server.llm.requests.map((r) => r.toolName);
      expect(calls().at(-1)).toBe("architecture");

      // A reload shows the same gate, and the revised section as the revision left it.
      await page.reload();
      await page.waitForSelector("form.review");
      expect(await page.locator("form.review").count()).toBe(1);
      await architecture.locator(`text=${REVISED}`).first().waitFor();

      // Keyboard only: drop it. The section is as it was, the plan still version 1.
      const asked = calls().length;
      await page.focus("#review-heading");
      await tabTo(page, "revision-drop");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() =>
        document.querySelector(".status")?.textContent?.startsWith("Done"),
      );
      expect(await page.locator("form.review").count()).toBe(0);
      expect(await architecture.textContent()).not.toContain(REVISED);
      expect(calls().length).toBe(asked);
      const id = page.url().split("/").at(-1) ?? "";
      const latest = await fetch(`${server.base}/v1/drafts/${id}/plan.md`);
      expect(latest.headers.get("x-plan-version")).toBe("1");

      // Kept, the sections that build on it are re-drafted, as version 2.
      await reviseArchitecture();
      await tabTo(page, "revision-keep");
      await page.keyboard.press("Enter");
      await page.waitForSelector("text=version 2", { timeout: 60_000 });
      expect(await architecture.textContent()).toContain(REVISED);
      expect(calls().length).toBeGreaterThan(asked + 2);
      expect(errors).toEqual([]);
    });
  },
);
