import { el } from "./dom.js";
import type { SectionView } from "./section-view.js";

/**
 * Feedback for one section, whether the sections that build on it are re-drafted too, and
 * whether the run stops for the person to keep the re-drafted section first.
 */
export function revisionForm(
  view: SectionView,
  submit: (feedback: string, cascade: boolean, review: boolean) => Promise<void>,
): HTMLElement {
  const feedbackId = `feedback-${view.id}`;
  const cascadeId = `cascade-${view.id}`;
  const feedback = el("textarea", { id: feedbackId, rows: "3", required: "" });
  const cascade = el("input", { id: cascadeId, type: "checkbox" });
  const reviewId = `review-revision-${view.id}`;
  const review = el("input", { id: reviewId, type: "checkbox" });
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
    el(
      "div",
      { class: "row" },
      review,
      el("label", {
        for: reviewId,
        text: "Let me keep or drop it before anything else is re-drafted",
      }),
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
    submit(feedback.value, cascade.checked, review.checked).catch((error: Error) => {
      message.textContent = error.message;
    });
  });
  return form;
}
