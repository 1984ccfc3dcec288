// What the page tests do in the page: open one, wait for a draft, record what moved by itself.
import type { Browser, Page } from "playwright-core";
import { collectErrors } from "../support/browser.js";

/** A layout shift the user did not cause, and the elements it moved. */
export interface LayoutShift {
  value: number;
  moved: string[];
}

/**
 * Starts recording layout shifts that no input caused (what Core Web Vitals counts as CLS). The
 * page's navigations are in-page, so the record spans the start form and the draft.
 */
export async function recordLayoutShifts(page: Page): Promise<() => Promise<LayoutShift[]>> {
  await page.evaluate(() => {
    const shifts: { value: number; moved: string[] }[] = [];
    (window as { __shifts?: typeof shifts }).__shifts = shifts;
    // Written without DOM type names: this file is type-checked for Node, it runs in the page.
    type Rect = { x: number; y: number; width: number; height: number };
    type Moved = { nodeName: string; id?: string; className?: unknown };
    type Source = { node?: Moved; previousRect?: Rect; currentRect?: Rect };
    type Shift = { value: number; hadRecentInput: boolean; startTime: number; sources?: Source[] };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as Shift[]) {
        if (entry.hadRecentInput) continue;
        const where = (r?: Rect) => (r ? `${r.x},${r.y} ${r.width}x${r.height}` : "?");
        const moved = (entry.sources ?? []).map(({ node, previousRect, currentRect }) => {
          const name = node
            ? `${node.nodeName.toLowerCase()}${node.id ? `#${node.id}` : ""}.${String(node.className)}`
            : "?";
          return `${name} ${where(previousRect)} -> ${where(currentRect)} at ${Math.round(entry.startTime)} ms`;
        });
        shifts.push({ value: entry.value, moved });
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  return () => page.evaluate(() => (window as { __shifts?: LayoutShift[] }).__shifts ?? []);
}

/** The sum of the shifts' scores: 0 when nothing moved by itself, under 0.1 is "good" for CLS. */
export const shiftScore = (shifts: LayoutShift[]): number =>
  shifts.reduce((sum, shift) => sum + shift.value, 0);

/** A new page (its own context) on `base`, with its console errors collected. */
export async function openPage(
  browser: Browser,
  base: string,
  width = 1280,
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(base);
  return { page, errors };
}

/** Waits until the plan can be downloaded: the draft's run has finished. */
export const planReady = (page: Page) =>
  page.waitForSelector('button:has-text("Download plan.md"):enabled', { timeout: 60_000 });

/** Waits until every section on the page is done. */
export const allSectionsDone = (page: Page) =>
  page.waitForFunction(
    () =>
      [...document.querySelectorAll<HTMLElement>("article.section")].every(
        (a) => a.dataset.state === "done",
      ),
    undefined,
    { timeout: 60_000 },
  );

/**
 * Sends the start form with "Review the brief first" switched off: the draft runs straight
 * away, as the tests of drafting want it (the gate has tests of its own).
 */
export async function draftWithoutReview(page: Page): Promise<void> {
  await page.uncheck("#review-first");
  await page.click("button[type=submit]");
}
