import type { ReviewAnswer } from "../../src/events/contract.js";
import { el, plainTitle } from "./dom.js";
import { sender, type Gate } from "./review-form.js";

export type RevisionGate = Extract<Gate, { kind: "revision" }>;

/**
 * A revision's gate: the re-drafted section shows in place in the plan; this asks whether to
 * keep it (then the sections that build on it are re-drafted) or drop it (the plan stays as it
 * was). Keep is the form's submit, so Enter keeps; both are plain buttons a screen reader names.
 */
export function revisionGateForm(
  gate: RevisionGate,
  submit: (answer: ReviewAnswer) => Promise<void>,
): HTMLFormElement {
  const title = plainTitle(gate.section.title);
  const next =
    gate.dependents.length > 0
      ? `Kept, these are re-drafted next: ${gate.dependents.map((d) => plainTitle(d.title)).join(", ")}.`
      : "Kept, it becomes the plan's next version.";
  const message = el("p", { class: "form-error", role: "alert" });
  const keep = el("button", {
    id: "revision-keep",
    type: "submit",
    class: "primary",
    text: "Keep it",
  });
  const drop = el("button", { id: "revision-drop", type: "button", text: "Drop the revision" });
  const form = el(
    "form",
    { class: "review", "aria-labelledby": "review-heading" },
    el("h2", { id: "review-heading", tabindex: "-1", text: `Keep the revised ${title}?` }),
    el("p", { class: "hint", text: `Re-drafted from your feedback: "${gate.feedback}".` }),
    el("p", { class: "hint", text: next }),
    el("p", { class: "hint", text: "Dropped, the plan stays as it was." }),
    el("a", { href: `#section-${gate.section.id}`, text: `Read the revised ${title}` }),
    message,
    el("div", { class: "row" }, keep, drop),
  );
  const send = sender([keep, drop], message, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send({ approve: true });
  });
  drop.addEventListener("click", () => send({ approve: false }));
  return form;
}
