import { getJson, request, type DraftDetail } from "./api.js";
import { announce, el } from "./dom.js";
import { drawDiagrams, markdownToHtml } from "./markdown.js";
import { followDraft, type Following, type StreamEvent } from "./stream.js";

type SectionState = "waiting" | "drafting" | "done" | "failed";

interface SectionView {
  id: string;
  title: string;
  article: HTMLElement;
  badge: HTMLElement;
  body: HTMLElement;
  /** Revise (or retry) controls, shown once the draft has finished. */
  tools: HTMLElement;
  state: SectionState;
}

const STATE_LABEL: Record<SectionState, string> = {
  waiting: "Waiting",
  drafting: "Drafting…",
  done: "Done",
  failed: "Failed",
};

/**
 * One draft, live: every section of the template laid out at once with its state, text growing
 * inside a section while it is drafted, and rendered markdown (tables, diagrams) once done.
 */
export class DraftView {
  readonly root: HTMLElement;
  private readonly sections = new Map<string, SectionView>();
  private readonly list = el("div", { class: "sections" });
  private readonly outline = el("ol", { class: "outline-list" });
  private readonly heading = el("h1", { text: "Loading draft…" });
  private readonly status = el("p", { class: "status", text: "" });
  private readonly progress = el("progress", {
    max: "1",
    value: "0",
    "aria-label": "Sections done",
  });
  private readonly actions = el("div", { class: "actions" });
  private markdown = "";
  private following: Following | undefined;
  /** The last event seen: a revision's events are followed from here. */
  private lastEventId: string | undefined;
  /** Whether the draft has finished its latest run: only then can a section be revised. */
  private finished = false;

  constructor(private readonly draftId: string) {
    this.root = el(
      "section",
      { class: "draft" },
      el("header", { class: "draft-head" }, this.heading, this.status, this.progress, this.actions),
      el("nav", { class: "outline", "aria-label": "Sections" }, this.outline),
      this.list,
    );
  }

  async open(): Promise<void> {
    const draft = await getJson<DraftDetail>(`/v1/drafts/${this.draftId}`);
    this.heading.textContent = draft.title;
    document.title = `${draft.title} · plandraft`;
    this.layout(draft.sections);
    this.setStatus(draft.status === "queued" ? "Waiting for a free slot…" : "Connecting…");
    this.follow();
  }

  private follow(): void {
    this.following?.stop();
    this.following = followDraft(
      this.draftId,
      {
        onEvent: (event) => this.apply(event),
        onConnection: (state) => {
          if (state === "reconnecting") this.setStatus("Connection lost; reconnecting…");
        },
        onError: (error) => this.setStatus(error.message),
      },
      this.lastEventId,
    );
  }

  close(): void {
    this.following?.stop();
  }

  private layout(sections: { id: string; title: string; state?: string }[]): void {
    for (const section of sections) {
      if (this.sections.has(section.id)) continue;
      const badge = el("span", { class: "badge" });
      const body = el("div", { class: "section-body" });
      const tools = el("div", { class: "section-tools" });
      const article = el(
        "article",
        { class: "section", id: `section-${section.id}`, "aria-label": section.title },
        el(
          "div",
          { class: "section-head" },
          el("span", { class: "section-title", text: section.title }),
          badge,
        ),
        body,
        tools,
      );
      const view: SectionView = {
        id: section.id,
        title: section.title,
        article,
        badge,
        body,
        tools,
        state: "waiting",
      };
      this.sections.set(section.id, view);
      this.list.append(article);
      this.outline.append(
        el(
          "li",
          { "data-section": section.id },
          el("a", { href: `#section-${section.id}`, text: section.title }),
        ),
      );
      this.setState(view, "waiting");
    }
    this.updateProgress();
  }

  private apply(event: StreamEvent): void {
    this.lastEventId = event.id || this.lastEventId;
    const data = event.data;
    const section = typeof data.section === "string" ? this.sections.get(data.section) : undefined;
    switch (event.type) {
      case "draft.started":
        this.finished = false;
        this.layout(data.sections as { id: string; title: string }[]);
        this.setStatus(data.revision ? "Revising…" : "Drafting…");
        for (const view of this.sections.values()) view.tools.replaceChildren();
        break;
      case "section.started":
        if (!section) return;
        section.body.replaceChildren(el("div", { class: "live-text" }));
        this.setState(section, "drafting");
        break;
      case "section.delta":
        if (!section) return;
        (section.body.querySelector(".live-text") ?? section.body).append(String(data.text));
        break;
      case "section.completed":
        if (!section) return;
        this.showMarkdown(section, String(data.markdown));
        this.setState(section, "done");
        announce(
          `${section.title} is done. ${this.doneCount()} of ${this.sections.size} sections done.`,
        );
        break;
      case "section.failed":
        if (!section) return;
        section.body.replaceChildren(
          el("p", {
            class: "failure",
            text: `Not drafted: ${String(data.message)} (${String(data.code)})`,
          }),
        );
        this.setState(section, "failed");
        announce(`${section.title} failed.`, true);
        break;
      case "draft.completed":
        this.finish(
          String(data.markdown),
          data.usage as Record<string, number> | undefined,
          typeof data.version === "number" ? data.version : undefined,
        );
        break;
      case "draft.failed":
        this.finished = true;
        this.setStatus(`The draft failed: ${String(data.message)}`);
        announce("The draft failed.", true);
        this.offerRevisions();
        break;
    }
  }

  private showMarkdown(section: SectionView, markdown: string): void {
    const content = el("div", { class: "markdown" });
    content.innerHTML = markdownToHtml(markdown);
    section.body.replaceChildren(content);
    void drawDiagrams(content);
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
    const download = el("button", { type: "button", class: "primary", text: "Download plan.md" });
    download.addEventListener("click", () => this.download());
    const copy = el("button", { type: "button", text: "Copy markdown" });
    copy.addEventListener("click", () => {
      void navigator.clipboard.writeText(this.markdown).then(
        () => announce("Copied the plan's markdown.", true),
        () => announce("Could not copy: the browser refused.", true),
      );
    });
    this.actions.replaceChildren(download, copy);
    if (version && version > 1) this.actions.append(this.versionPicker(version));
  }

  /** Each finished section can be revised with feedback; a failed one can be drafted again. */
  private offerRevisions(): void {
    for (const view of this.sections.values()) {
      const label = view.state === "failed" ? "Retry" : "Revise";
      const open = el("button", { type: "button", text: label, "aria-expanded": "false" });
      open.addEventListener("click", () => {
        if (view.state === "failed") {
          void this.revise(view, "The last attempt failed; draft this section again.", false);
          return;
        }
        open.setAttribute("aria-expanded", "true");
        view.tools.replaceChildren(this.revisionForm(view));
        view.tools.querySelector("textarea")?.focus();
      });
      view.tools.replaceChildren(open);
    }
  }

  private revisionForm(view: SectionView): HTMLElement {
    const feedbackId = `feedback-${view.id}`;
    const cascadeId = `cascade-${view.id}`;
    const feedback = el("textarea", { id: feedbackId, rows: "3", required: "" });
    const cascade = el("input", { id: cascadeId, type: "checkbox" });
    const message = el("p", { class: "form-error", role: "alert" });
    const form = el(
      "form",
      { class: "revise" },
      el("label", { for: feedbackId, text: `What should change in ${view.title}?` }),
      feedback,
      el(
        "div",
        { class: "row" },
        cascade,
        el("label", { for: cascadeId, text: "Also re-draft the sections that build on it" }),
      ),
      message,
      el(
        "div",
        { class: "row" },
        el("button", { type: "submit", class: "primary", text: "Re-draft this section" }),
      ),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!feedback.value.trim()) {
        message.textContent = "Say what should change first.";
        return;
      }
      void this.revise(view, feedback.value, cascade.checked).catch((error: Error) => {
        message.textContent = error.message;
      });
    });
    return form;
  }

  /** Asks for a revision, then follows its events on the same stream, after what was seen. */
  private async revise(view: SectionView, feedback: string, cascade: boolean): Promise<void> {
    if (!this.finished) return;
    await request(`/v1/drafts/${this.draftId}/revisions`, {
      method: "POST",
      json: { section: view.id, feedback, cascade },
    });
    this.finished = false;
    for (const section of this.sections.values()) section.tools.replaceChildren();
    this.setStatus("Revision queued…");
    announce(`Re-drafting ${view.title}.`, true);
    this.follow();
  }

  /** Earlier versions of the plan, each readable as it was. */
  private versionPicker(latest: number): HTMLElement {
    const select = el("select", { id: "version", "aria-label": "Plan version" });
    for (let n = latest; n >= 1; n -= 1) {
      select.append(
        el("option", {
          value: String(n),
          text: n === latest ? `Version ${n} (latest)` : `Version ${n}`,
        }),
      );
    }
    const shown = el("div", { class: "markdown version-view" });
    select.addEventListener("change", () => {
      const n = Number(select.value);
      if (n === latest) {
        shown.replaceChildren();
        this.list.hidden = false;
        return;
      }
      void request(`/v1/drafts/${this.draftId}/plan.md?version=${n}`)
        .then((response) => response.text())
        .then((markdown) => {
          shown.innerHTML = markdownToHtml(markdown);
          this.list.hidden = true;
          void drawDiagrams(shown);
        });
    });
    return el(
      "div",
      { class: "versions" },
      el("label", { for: "version", text: "Show" }),
      select,
      shown,
    );
  }

  private download(): void {
    const url = URL.createObjectURL(new Blob([this.markdown], { type: "text/markdown" }));
    const link = el("a", { href: url, download: "plan.md" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private setState(section: SectionView, state: SectionState): void {
    section.state = state;
    section.article.dataset.state = state;
    section.badge.textContent = STATE_LABEL[state];
    this.outline
      .querySelector(`[data-section="${CSS.escape(section.id)}"]`)
      ?.setAttribute("data-state", state);
    this.updateProgress();
  }

  private doneCount(): number {
    return [...this.sections.values()].filter((s) => s.state === "done").length;
  }

  private updateProgress(): void {
    this.progress.max = Math.max(1, this.sections.size);
    this.progress.value = this.doneCount();
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
  }
}
