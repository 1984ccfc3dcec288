import { el, plainTitle } from "./dom.js";
import { markdownToHtml, renderMarkdown } from "./markdown.js";

export type SectionState = "waiting" | "drafting" | "done" | "failed";

const STATE_LABEL: Record<SectionState, string> = {
  waiting: "Waiting",
  drafting: "Drafting…",
  done: "Done",
  failed: "Failed",
};

/** How close to its end a section's box must be scrolled to keep following new text. */
const FOLLOW_SLACK_PX = 24;

/**
 * One section of the template on the page: its head (title, state, buttons), its body (text
 * growing while it is drafted, then rendered markdown) and its tools (the revision form).
 *
 * While a draft runs, every body is a box of one fixed height that scrolls inside (see
 * `.draft[data-layout="live"]` in style.css), so a section that grows never pushes the others:
 * the page does not jump as sections fill. Its text follows the end as it grows, unless the
 * reader scrolled up in it. "Show all" opens one box in full.
 */
export class SectionView {
  readonly article: HTMLElement;
  readonly tools = el("div", { class: "section-tools" });
  /** Revise (or Retry): always in the head, visible only once the draft can be revised. */
  readonly revise = el("button", { type: "button", class: "revise-open", text: "Revise" });
  state: SectionState = "waiting";
  private readonly badge = el("span", { class: "badge" });
  /** What the section was grounded in; inside the body, so it moves no other section. */
  private readonly grounding = el("p", { class: "grounding", hidden: "" });
  private readonly body: HTMLElement;
  private readonly expand: HTMLButtonElement;
  /** The text streamed since the section last started, rendered at most once per frame. */
  private live = "";
  private frame: number | undefined;
  /** Bumped on every change of the body: a render that finishes late is dropped. */
  private version = 0;
  private boxed = true;

  /** The template heading as plain words: what the page shows and reads out everywhere. */
  readonly title: string;

  constructor(
    readonly id: string,
    heading: string,
  ) {
    const title = plainTitle(heading);
    this.title = title;
    const bodyId = `section-body-${id}`;
    this.body = el("div", {
      class: "section-body",
      id: bodyId,
      role: "region",
      "aria-label": `${title}: text`,
    });
    this.expand = el("button", {
      type: "button",
      class: "expand",
      text: "Show all",
      "aria-expanded": "false",
      "aria-controls": bodyId,
    });
    this.expand.addEventListener("click", () => this.setExpanded(!this.expanded()));
    this.offerRevision(false);
    this.article = el(
      "article",
      { class: "section", id: `section-${id}`, "aria-label": title },
      el(
        "div",
        { class: "section-head" },
        el("span", { class: "section-title", text: title }),
        el("span", { class: "section-buttons" }, this.expand, this.revise, this.badge),
      ),
      this.body,
      this.tools,
    );
    this.body.append(this.grounding, waitingLines());
    this.setState("waiting");
    this.setBoxed(true);
  }

  setState(state: SectionState): void {
    this.state = state;
    this.article.dataset.state = state;
    this.badge.textContent = STATE_LABEL[state];
  }

  /**
   * The section starts again from empty (a first start, a repair, a revision). A run's first start
   * drops what an earlier run grounded it in: resumes and revisions read no workspace.
   */
  start(firstInRun: boolean): void {
    if (firstInRun) this.grounding.hidden = true;
    this.version += 1;
    this.live = "";
    this.body.replaceChildren(this.grounding, el("div", { class: "live-text markdown" }));
    this.setState("drafting");
  }

  /** Appends streamed text; it is rendered as markdown on the next frame. */
  append(text: string): void {
    this.live += text;
    this.frame ??= requestAnimationFrame(() => {
      this.frame = undefined;
      const target = this.body.querySelector(".live-text");
      if (!target) return;
      const following = this.atEnd();
      target.innerHTML = markdownToHtml(this.live);
      if (following) this.body.scrollTop = this.body.scrollHeight;
    });
  }

  /**
   * The finished markdown, diagrams drawn before it goes in: the body changes once, and nothing
   * in it moves afterwards.
   */
  async complete(markdown: string): Promise<void> {
    const version = (this.version += 1);
    this.setState("done");
    const content = await renderMarkdown(markdown).catch((error: unknown) =>
      // The renderer could not load (a page left open over an upgrade): the text still shows.
      el(
        "div",
        { class: "markdown" },
        el("p", { class: "failure", text: `Could not render this section: ${String(error)}` }),
        el("pre", { text: markdown }),
      ),
    );
    if (version !== this.version) return;
    // The deltas since the section's start add up to its markdown: anything else is text lost or
    // doubled on the way (a bug in the stream), worth a line in the console.
    if (this.live && this.live !== markdown)
      console.error(`section ${this.id}: the streamed text does not add up to the final text`);
    this.body.replaceChildren(this.grounding, content);
    this.body.scrollTop = 0;
  }

  fail(code: string, message: string): void {
    this.version += 1;
    this.setState("failed");
    this.body.replaceChildren(
      this.grounding,
      el("p", { class: "failure", text: `Not drafted: ${message} (${code})` }),
    );
  }

  /** Says what the section's request carried of the workspace (kept when the section restarts). */
  ground(line: string): void {
    this.grounding.textContent = line;
    this.grounding.hidden = false;
  }

  /** Whether Revise (or Retry, for a failed section) can be used now. */
  offerRevision(available: boolean): void {
    this.revise.textContent = this.state === "failed" ? "Retry" : "Revise";
    this.revise.classList.toggle("unavailable", !available);
    this.revise.disabled = !available;
    this.revise.setAttribute("aria-expanded", "false");
    if (!available) this.tools.replaceChildren();
  }

  expanded(): boolean {
    return this.article.dataset.expanded === "true";
  }

  setExpanded(open: boolean): void {
    this.article.dataset.expanded = String(open);
    this.expand.textContent = open ? "Show less" : "Show all";
    this.expand.setAttribute("aria-expanded", String(open));
    this.setBoxed(this.boxed);
  }

  /** In a box of one height (a draft being watched), the body scrolls: the keyboard can reach it. */
  setBoxed(boxed: boolean): void {
    this.boxed = boxed;
    if (boxed && !this.expanded()) this.body.setAttribute("tabindex", "0");
    else this.body.removeAttribute("tabindex");
  }

  private atEnd(): boolean {
    const { scrollTop, scrollHeight, clientHeight } = this.body;
    return scrollHeight - scrollTop - clientHeight <= FOLLOW_SLACK_PX;
  }
}

/** Grey lines where the text will come: the box looks the same size before and after. */
function waitingLines(): HTMLElement {
  return el(
    "div",
    { class: "waiting-lines", "aria-hidden": "true" },
    el("span", {}),
    el("span", {}),
    el("span", {}),
  );
}
