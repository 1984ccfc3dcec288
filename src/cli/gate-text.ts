import type { ReviewRequest } from "../drafters/review.js";

/** The gate as a person reads it in a terminal: the brief, then each question. */
export function gateText(id: string, gate: ReviewRequest): string {
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
