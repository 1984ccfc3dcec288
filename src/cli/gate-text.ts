import type { BriefRequest, ReviewRequest, RevisionReviewRequest } from "../drafters/review.js";

/** A gate as a person reads it in a terminal: the brief and its questions, or a revision. */
export function gateText(id: string, gate: ReviewRequest): string {
  return gate.kind === "revision" ? revisionText(id, gate) : briefText(id, gate);
}

/** The brief, then each question. */
function briefText(id: string, gate: BriefRequest): string {
  const { brief } = gate;
  const list = (items: string[]) =>
    items.length > 0 ? items.map((i) => `    - ${i}`) : ["    (none)"];
  const lines = [
    `plandraft: draft ${id} waits for a review of its brief before any section is drafted`,
    "",
    `  Goal: ${brief.goal}`,
    "  In scope:",
    ...list(brief.in_scope),
    "  Out of scope:",
    ...list(brief.out_of_scope),
    "  Repositories:",
    ...list(brief.repos.map((r) => `${r.repo}: ${r.touched ? "touched" : "untouched"}, ${r.why}`)),
    "  Integrations:",
    ...list(brief.integrations),
    "",
    gate.questions.length > 0
      ? "  Questions:"
      : "  No questions: the brief found nothing left open.",
    ...gate.questions.flatMap((q) => [
      `    ${q.id}. ${q.question}`,
      `        why: ${q.why}`,
      `        suggested: ${q.suggestion || "none (it stays open unless you answer it)"}`,
      ...(q.choices.length > 0 ? [`        choices: ${q.choices.join(" | ")}`] : []),
    ]),
    "",
    `  Answer with \`plandraft review ${id} --approve\` (every suggestion), or --answers FILE.json`,
    `  ({ "answers": { "q1": "..." }, "brief": { "repos": [...] } }), or stop it with --stop.`,
    "",
  ];
  return lines.join("\n");
}

/** The section as the revision re-drafted it, and what keeping it goes on to re-draft. */
function revisionText(id: string, gate: RevisionReviewRequest): string {
  const indent = (text: string) =>
    text
      .trimEnd()
      .split("\n")
      .map((line) => `    ${line}`);
  const next =
    gate.dependents.length > 0
      ? `  Kept, these are re-drafted next: ${gate.dependents.map((d) => d.title).join(", ")}.`
      : "  Kept, it becomes the plan's next version.";
  const lines = [
    `plandraft: draft ${id} waits for a review of its revised section "${gate.section.title}"`,
    "",
    `  Feedback: ${gate.feedback}`,
    "  Re-drafted:",
    ...indent(gate.after || "(empty)"),
    "",
    next,
    `  Keep it with \`plandraft review ${id} --approve\`, or drop it with --stop (the plan stays as it was).`,
    "",
  ];
  return lines.join("\n");
}
