import type { z } from "zod";
import type { ReviewAnswer, ReviewGate } from "../../src/events/contract.js";
import { el } from "./dom.js";

export type Gate = z.infer<typeof ReviewGate>;
export type BriefGate = Extract<Gate, { kind: "brief" }>;

/** Lines of a textarea as a list: one item a line, blank lines dropped. */
const itemsOf = (text: string): string[] =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

/** A labelled list of the brief, editable one item a line. */
function listField(id: string, label: string, items: string[]) {
  const area = el("textarea", { id, rows: String(Math.max(2, items.length + 1)) });
  area.value = items.join("\n");
  return {
    area,
    field: el("div", { class: "field" }, el("label", { for: id, text: label }), area),
  };
}

/**
 * The review gate in place: the brief's goal and lists editable, each repository with whether
 * the feature touches it and why, and each question a labelled control with its suggestion
 * filled in. Approve sends what is on the form; Stop ends the draft. Every control has a label a
 * screen reader reads, and the form works from the keyboard alone.
 */
export function reviewForm(
  gate: BriefGate,
  submit: (answer: ReviewAnswer) => Promise<void>,
): HTMLFormElement {
  const { brief } = gate;
  const goal = el("textarea", { id: "review-goal", rows: "2" });
  goal.value = brief.goal;
  const inScope = listField("review-in-scope", "In scope (one item a line)", brief.in_scope);
  const outOfScope = listField(
    "review-out-of-scope",
    "Out of scope (one item a line)",
    brief.out_of_scope,
  );
  const integrations = listField(
    "review-integrations",
    "Integrations (one a line)",
    brief.integrations,
  );
  const repos = brief.repos.map((entry, i) => {
    const touched = el("input", { id: `review-repo-${i}`, type: "checkbox" });
    touched.checked = entry.touched;
    const why = el("input", { id: `review-repo-why-${i}`, type: "text" });
    why.value = entry.why;
    const row = el(
      "div",
      { class: "repo" },
      el(
        "div",
        { class: "row" },
        touched,
        el("label", { for: touched.id, text: `${entry.repo} is touched` }),
      ),
      el("label", { for: why.id, text: `Why, for ${entry.repo}` }),
      why,
    );
    return { entry, touched, why, row };
  });
  const questions = gate.questions.map((q) => {
    const id = `review-${q.id}`;
    const control =
      q.choices.length > 0
        ? el(
            "select",
            { id },
            ...q.choices.map((choice) => el("option", { value: choice, text: choice })),
          )
        : el("input", {
            id,
            type: "text",
            placeholder: q.suggestion ? "" : "Leave empty to keep it open",
          });
    control.value = q.suggestion || (q.choices[0] ?? "");
    const hint = el("p", { class: "hint", id: `${id}-why`, text: `Why it matters: ${q.why}` });
    control.setAttribute("aria-describedby", hint.id);
    const row = el(
      "div",
      { class: "field" },
      el("label", { for: id, text: q.question }),
      control,
      hint,
    );
    return { q, control, row };
  });
  const message = el("p", { class: "form-error", role: "alert" });
  const approve = el("button", {
    type: "submit",
    id: "review-approve",
    class: "primary",
    text: "Approve and draft the plan",
  });
  const stop = el("button", { type: "button", text: "Stop the draft" });
  const form = el(
    "form",
    { class: "review", "aria-labelledby": "review-heading" },
    el("h2", { id: "review-heading", tabindex: "-1", text: "Review the brief before drafting" }),
    el("p", {
      class: "hint",
      text: "No section has been drafted yet. Correct the brief and answer the questions: every section is drafted from them.",
    }),
    el("label", { for: goal.id, text: "Goal" }),
    goal,
    inScope.field,
    outOfScope.field,
    el("fieldset", {}, el("legend", { text: "Repositories" }), ...repos.map((r) => r.row)),
    integrations.field,
    ...(questions.length > 0
      ? [el("fieldset", {}, el("legend", { text: "Questions" }), ...questions.map((q) => q.row))]
      : [el("p", { class: "hint", text: "The brief found no question left open." })]),
    message,
    el("div", { class: "row" }, approve, stop),
  );

  const send = sender([approve, stop], message, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const answers: Record<string, string> = {};
    for (const { q, control } of questions)
      if (control.value.trim()) answers[q.id] = control.value.trim();
    send({
      approve: true,
      brief: {
        goal: goal.value.trim(),
        in_scope: itemsOf(inScope.area.value),
        out_of_scope: itemsOf(outOfScope.area.value),
        integrations: itemsOf(integrations.area.value),
        repos: repos.map((r) => ({
          repo: r.entry.repo,
          touched: r.touched.checked,
          why: r.why.value.trim(),
        })),
      },
      answers,
    });
  });
  stop.addEventListener("click", () => send({ approve: false }));
  return form;
}

/**
 * Sends a gate's answer with its buttons off until the server has it; what the server refuses
 * shows in `message`, and the buttons come back for another try.
 */
export function sender(
  buttons: HTMLButtonElement[],
  message: HTMLElement,
  submit: (answer: ReviewAnswer) => Promise<void>,
): (answer: ReviewAnswer) => void {
  const enable = (on: boolean) => buttons.forEach((b) => (b.disabled = !on));
  return (answer) => {
    enable(false);
    message.textContent = "";
    submit(answer)
      .catch((error: Error) => {
        message.textContent = error.message;
      })
      .finally(() => enable(true));
  };
}
