import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { loadWorkspace } from "../../src/workspace/load.js";
import { HAS_CHROMIUM, CHROMIUM, launchBrowser } from "../support/browser.js";
import { fixturePath } from "../support/drafting.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { makeWorkspaceRepos, writeFiles } from "../support/workspace-repos.js";
import { openPage, planReady, draftWithoutReview } from "./page-helpers.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");

/** The grounding line of the section titled `title`, as the page shows it. */
const groundingOf = (page: Page, title: string) =>
  page
    .locator("article.section", { has: page.locator(".section-title", { hasText: title }) })
    .locator("p.grounding")
    .textContent();

describe.skipIf(!HAS_CHROMIUM)(
  `the web page of a server with a workspace${HAS_CHROMIUM ? "" : ` (skipped: no browser at ${CHROMIUM})`}`,
  () => {
    let server: TestServer;
    let browser: Browser;

    beforeAll(async () => {
      const repos = makeWorkspaceRepos();
      writeFiles(repos.root, { "ws.yaml": "repositories:\n  /gain: gain\n  /data: data\n" });
      const workspace = await loadWorkspace(
        { workspace: join(repos.root, "ws.yaml") },
        { cwd: repos.root },
      );
      server = await startTestServer(
        { PLANDRAFT_HOME: join(repos.root, "home") },
        {},
        { workspace },
      );
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it("says what the server maps, and what each repository section was grounded in, after a reload too", async () => {
      const { page, errors } = await openPage(browser, server.base);
      await expect
        .poll(() => page.locator("text=The server's workspace maps").textContent(), {
          timeout: 20_000,
        })
        .toMatch(/maps \/(gain|data) @ [0-9a-f]{7} and \/(gain|data) @ [0-9a-f]{7}/);
      await page.fill("#feature", FEATURE);
      await draftWithoutReview(page);
      await planReady(page);

      const expectLines = async () => {
        expect(await groundingOf(page, "Gain Repository")).toMatch(
          /^Grounded in \/gain @ [0-9a-f]{7} \(\d+ files?, [\d,]+ tokens\): \d+% of the budget$/,
        );
        expect(await groundingOf(page, "EDH Repository")).toBe(
          "Not grounded: the workspace does not map /edh",
        );
      };
      await expectLines();
      await page.reload();
      await planReady(page);
      await expectLines();
      // The page never learns a local path.
      expect(await page.content()).not.toContain("plandraft-workspace-");
      expect(errors).toEqual([]);
    });
  },
);
