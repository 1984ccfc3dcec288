import type { ReviewAnswer } from "../../src/events/contract.js";
import { getJson, request, type DraftDetail } from "./api.js";
import { announce, el, plainTitle } from "./dom.js";
import { groundingLine } from "./grounding.js";
import { renderMarkdown } from "./markdown.js";
import { revisionForm } from "./revision-form.js";
import { reviewForm, type Gate } from "./review-form.js";
import { revisionGateForm } from "./revision-gate.js";
import { SectionView } from "./section-view.js";
import { followDraft, type Following, type StreamEvent } from "./stream.js";

/**
 * "live" while the draft runs: every section a box of one height, so nothing moves as they fill;
 * "read" for a finished plan: every section in full.
 */
type Layout = "live" | "read";

const FINISHED = new Set(["completed", "failed", "cancelled"]);

/**
 * One draft, live: every section of the template laid out at once with its state, text growing
 * inside a section while it is drafted, and rendered markdown (tables, diagrams) once done.
 */
export class DraftView {
  readonly root: HTMLElement;
  private readonly sections = new Map<string, SectionView>();
  private readonly list = el("div", { class: "sections" });
  private readonly outline = el("ol", { class: "outline-list" });
  private readonly outlineNav = el(
    "nav",
    { class: "outline", "aria-label": "Sections" },
    this.outline,
  );
  private readonly heading = el("h1", { text: "Loading draft…" });
  private readonly status = el("p", { class: "status", text: "" });
  private readonly progress = el("progress", {
    max: "1",
    value: "0",
    "aria-label": "Sections done",
  });
  private readonly download = el("button", {
    type: "button",
    class: "primary",
    text: "Download plan.md",
  });
  private readonly copy = el("button", { type: "button", text: "Copy markdown" });
  private readonly showAll = el("button", {
    type: "button",
    text: "Show every section in full",
    "aria-pressed": "false",
  });
  private readonly versions = el("div", { class: "versions" });
  private markdown = "";
  private statusText = "";
  /** The plan's latest version, once a run has saved one. */
  private version: number | undefined;
  private following: Following | undefined;
  /** The last event seen: a revision's events are followed from here. */
  private lastEventId: string | undefined;
  /** Whether the draft has finished its latest run: only then can a section be revised. */
  private finished = false;
  /** The sections the current run has started: a retried request starts one again. */
  private readonly startedInRun = new Set<string>();
  /** The review gate's form, while the draft waits there for the person's answer. */
  private gate: HTMLFormElement | undefined;
  /** The section a revision waiting at its gate re-drafted, as it was: what a drop puts back. */
  private unrevised: { id: string; markdown: string } | undefined;
  /** Sections being rendered (diagrams take a moment): a finished plan shows once they are in. */
  private readonly rendering = new Set<Promise<void>>();

  constructor(private readonly draftId: string) {
    const actions = el("div", { class: "actions" }, this.download, this.copy, this.showAll);
    this.root = el(
      "section",
      { class: "draft", "data-layout": "live" },
      el(
        "header",
        { class: "draft-head" },
        this.heading,
        this.status,
        this.progress,
        actions,
        this.versions,
      ),
      this.outlineNav,
      this.list,
    );
    this.download.disabled = this.copy.disabled = true;
    this.download.addEventListener("click", () => this.save());
    this.copy.addEventListener("click", () => {
      void navigator.clipboard.writeText(this.markdown).then(
        () => announce("Copied the plan's markdown.", true),
        () => announce("Could not copy: the browser refused.", true),
      );
    });
    this.showAll.addEventListener("click", () =>
      this.setLayout(this.layoutNow() === "live" ? "read" : "live"),
    );
  }

  /** Lays the draft out from its record, then follows its events (all of them, from the start). */
  async open(): Promise<void> {
    const draft = await getJson<DraftDetail>(`/v1/drafts/${this.draftId}`);
    this.heading.textContent = draft.title;
    document.title = `${draft.title} · plandraft`;
    this.layout(draft.sections);
    if (FINISHED.has(draft.status)) {
      // A finished plan is read, not watched: it appears in full once its events are replayed.
      this.setLayout("read");
      this.list.hidden = this.outlineNav.hidden = true;
      this.setStatus("Loading the plan…");
    } else if (draft.status === "awaiting_review" && draft.review) {
      this.showGate(draft.review);
    } else {
      this.setStatus(draft.status === "queued" ? "Waiting for a free slot…" : "Connecting…");
    }
    this.follow();
  }

  close(): void {
    this.following?.stop();
  }

  private follow(): void {
    this.following?.stop();
    this.following = followDraft(
      this.draftId,
      {
        onEvent: (event) => this.apply(event),
        onConnection: (state) => {
          if (state === "reconnecting") this.status.textContent = "Connection lost; reconnecting…";
          // Back on the stream: the status says what the draft is doing again.
          if (state === "live") this.status.textContent = this.statusText;
          if (state === "ended") void this.reveal();
        },
        onError: (error) => this.setStatus(error.message),
      },
      this.lastEventId,
    );
  }

  private layout(sections: { id: string; title: string }[]): void {
    for (const { id, title } of sections) {
      if (this.sections.has(id)) continue;
      const view = new SectionView(id, title);
      view.setBoxed(this.layoutNow() === "live");
      view.revise.addEventListener("click", () => this.openRevision(view));
      this.sections.set(id, view);
      this.list.append(view.article);
      // The state's mark is drawn by CSS; a screen reader reads the state in words instead.
      this.outline.append(
        el(
          "li",
          { "data-section": id, "data-state": "waiting" },
          el(
            "a",
            { href: `#section-${id}` },
            view.title,
            el("span", { class: "visually-hidden state", text: " (waiting)" }),
          ),
        ),
      );
    }
    this.updateProgress();
  }

  private apply(event: StreamEvent): void {
    this.lastEventId = event.id || this.lastEventId;
    const section =
      "section" in event.data && typeof event.data.section === "string"
        ? this.sections.get(event.data.section)
        : undefined;
    switch (event.type) {
      case "draft.started":
        this.finished = false;
        this.startedInRun.clear();
        this.layout(event.data.sections);
        this.setStatus(event.data.revision ? "Revising…" : "Drafting…");
        for (const view of this.sections.values()) view.offerRevision(false);
        break;
      case "section.started":
        if (!section) return;
        section.start(!this.startedInRun.has(section.id));
        this.startedInRun.add(section.id);
        break;
      case "section.grounded":
        section?.ground(groundingLine(event.data));
        break;
      case "section.delta":
        section?.append(event.data.text);
        break;
      case "section.completed":
        if (!section) return;
        this.track(section.complete(event.data.markdown));
        announce(
          `${section.title} is done. ${this.doneCount()} of ${this.sections.size} sections done.`,
        );
        break;
      case "section.failed":
        if (!section) return;
        section.fail(event.data.code, event.data.message);
        announce(`${section.title} failed.`, true);
        break;
      case "draft.completed":
        if (event.data.dropped) this.putBack();
        this.finish(event.data.markdown, event.data.usage, event.data.version ?? undefined);
        break;
      case "review.requested":
        this.showGate(event.data);
        break;
      case "draft.failed":
        this.hideGate();
        this.finished = true;
        this.setStatus(`The draft failed: ${event.data.message}`);
        announce("The draft failed.", true);
        this.offerRevisions();
        void this.reveal();
        break;
    }
    if (section) this.showState(section);
  }

  private finish(
    markdown: string,
    usage: Record<string, number> | undefined,
    version: number | undefined,
  ): void {
    this.finished = true;
    this.markdown = markdown;
    this.offerRevisions();
    const tokens = usage?.totalTokens
      ? `${usage.totalTokens} tokens in ${usage.calls} model calls`
      : "no model calls";
    this.setStatus(`Done${version ? ` · version ${version}` : ""} · ${tokens}`);
    announce("The plan is ready.", true);
    this.download.disabled = this.copy.disabled = false;
    this.version = version ?? this.version;
    if (this.version && (this.version > 1 || this.versions.hasChildNodes()))
      this.versions.replaceChildren(...this.versionPicker(this.version));
    void this.reveal();
  }

  /**
   * The draft waits at the review gate: nothing is drafted yet, so the sections stay as they are
   * laid out, and the brief and its questions are shown in place, above them, to answer.
   */
  private showGate(gate: Gate): void {
    if (gate.kind === "revision") this.unrevised = { id: gate.section.id, markdown: gate.before };
    if (this.gate) return; // the reload's record and the replayed event say the same
    this.root.dataset.phase = "review";
    const answer = (given: ReviewAnswer) => this.answerGate(given, gate.kind);
    if (gate.kind === "revision") {
      this.setStatus("Paused: keep or drop the revised section; nothing else is re-drafted yet.");
      this.gate = revisionGateForm(gate, answer);
      announce(
        `The revision waits: keep or drop the revised ${plainTitle(gate.section.title)}.`,
        true,
      );
    } else {
      this.setStatus("Paused: review the brief; no section is drafted until you approve it.");
      this.gate = reviewForm(gate, answer);
      announce("The draft waits for your review of its brief.", true);
    }
    this.outlineNav.before(this.gate);
    this.gate.querySelector<HTMLElement>("#review-heading")?.focus();
  }

  /** A revision dropped at its gate: its section shows again as it was before. */
  private putBack(): void {
    const unrevised = this.unrevised;
    const view = unrevised && this.sections.get(unrevised.id);
    if (view && unrevised) this.track(view.complete(unrevised.markdown));
    this.unrevised = undefined;
  }

  private hideGate(): void {
    this.gate?.remove();
    this.gate = undefined;
    delete this.root.dataset.phase;
  }

  /** Sends the answer, then follows the run it starts on the same stream, after the gate. */
  private async answerGate(answer: ReviewAnswer, kind: Gate["kind"]): Promise<void> {
    await request(`/v1/drafts/${this.draftId}/review`, { method: "POST", json: answer });
    this.hideGate();
    const [status, said] =
      kind === "revision"
        ? answer.approve
          ? ["Revising…", "Re-drafting the sections that build on it."]
          : ["Dropping the revision…", "Dropping the revision."]
        : answer.approve
          ? ["Drafting…", "Drafting the plan."]
          : ["Stopping the draft…", "Stopping the draft."];
    this.setStatus(status);
    announce(said, true);
    this.follow();
  }

  private track(render: Promise<void>): void {
    this.rendering.add(render);
    void render.finally(() => this.rendering.delete(render));
  }

  /** Shows a finished plan that was loading, once every section's markdown is in. */
  private async reveal(): Promise<void> {
    while (this.rendering.size > 0) await Promise.all([...this.rendering]);
    this.list.hidden = this.outlineNav.hidden = false;
  }

  /** Each finished section can be revised with feedback; a failed one can be drafted again. */
  private offerRevisions(): void {
    for (const view of this.sections.values()) view.offerRevision(true);
  }

  private openRevision(view: SectionView): void {
    if (!this.finished) return;
    if (view.state === "failed") {
      void this.revise(view, "The last attempt failed; draft this section again.", false);
      return;
    }
    view.revise.setAttribute("aria-expanded", "true");
    view.tools.replaceChildren(
      revisionForm(view, (feedback, cascade, review) =>
        this.revise(view, feedback, cascade, review),
      ),
    );
    view.tools.querySelector("textarea")?.focus();
  }

  /** Asks for a revision, then follows its events on the same stream, after what was seen. */
  private async revise(
    view: SectionView,
    feedback: string,
    cascade: boolean,
    review = false,
  ): Promise<void> {
    if (!this.finished) return;
    await request(`/v1/drafts/${this.draftId}/revisions`, {
      method: "POST",
      json: { section: view.id, feedback, cascade, review },
    });
    this.finished = false;
    // Back to boxes of one height at the click, so the re-drafted sections move nothing.
    this.setLayout("live");
    for (const section of this.sections.values()) section.offerRevision(false);
    this.download.disabled = this.copy.disabled = true;
    // The version picker takes its place now, at the click, not when the new version is in.
    if (!this.versions.hasChildNodes())
      this.versions.replaceChildren(...this.versionPicker(this.version ?? 1));
    this.setStatus("Revision queued…");
    announce(`Re-drafting ${view.title}.`, true);
    this.follow();
  }

  /** Earlier versions of the plan, each readable as it was. */
  private versionPicker(latest: number): HTMLElement[] {
    const select = el("select", { id: "version", "aria-label": "Plan version" });
    for (let n = latest; n >= 1; n -= 1) {
      select.append(
        el("option", {
          value: String(n),
          text: n === latest ? `Version ${n} (latest)` : `Version ${n}`,
        }),
      );
    }
    const shown = el("div", { class: "version-view" });
    select.addEventListener("change", () => {
      const n = Number(select.value);
      if (n === latest) {
        shown.replaceChildren();
        this.list.hidden = false;
        return;
      }
      void request(`/v1/drafts/${this.draftId}/plan.md?version=${n}`)
        .then((response) => response.text())
        .then(renderMarkdown)
        .then((content) => {
          shown.replaceChildren(content);
          this.list.hidden = true;
        });
    });
    return [el("label", { for: "version", text: "Show" }), select, shown];
  }

  private save(): void {
    const url = URL.createObjectURL(new Blob([this.markdown], { type: "text/markdown" }));
    const link = el("a", { href: url, download: "plan.md" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private layoutNow(): Layout {
    return this.root.dataset.layout === "read" ? "read" : "live";
  }

  private setLayout(layout: Layout): void {
    this.root.dataset.layout = layout;
    this.showAll.setAttribute("aria-pressed", String(layout === "read"));
    for (const view of this.sections.values()) {
      if (layout === "live") view.setExpanded(false);
      view.setBoxed(layout === "live");
    }
  }

  private showState(section: SectionView): void {
    const item = this.outline.querySelector(`[data-section="${CSS.escape(section.id)}"]`);
    item?.setAttribute("data-state", section.state);
    const state = item?.querySelector(".state");
    if (state) state.textContent = ` (${section.state})`;
    this.updateProgress();
  }

  private doneCount(): number {
    return [...this.sections.values()].filter((s) => s.state === "done").length;
  }

  private updateProgress(): void {
    this.progress.max = Math.max(1, this.sections.size);
    this.progress.value = this.doneCount();
  }

  /** What the draft is doing, as the status line says it when the connection is up. */
  private setStatus(text: string): void {
    this.statusText = text;
    this.status.textContent = text;
  }
}
