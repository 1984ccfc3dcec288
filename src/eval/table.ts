import { CRITERIA } from "./judge.js";
import { totalUsage, type EvalRow, type EvalRun } from "./run-eval.js";
import type { Coverage } from "./score.js";

/**
 * The run as a plain-text table, one row per doc and a total, then what needs a closer look:
 * each doc's findings by code, and why a draft or a judgment failed. `--json` has everything,
 * the judge's reasons too.
 */
export function evalTable(run: EvalRun): string {
  const judged = run.judgeModel !== undefined;
  const header = [
    "doc",
    "status",
    "findings",
    "todo",
    "asks",
    "reqs",
    "criteria",
    "calls",
    "tokens",
    ...(judged ? CRITERIA : []),
  ];
  const rows = run.rows.map((row) => [
    row.doc,
    row.status,
    count(row.score?.findings.length),
    count(row.score?.todos),
    count(row.score?.clarifications),
    coverage(row.score?.requirements),
    coverage(row.score?.criteria),
    String(row.usage.calls),
    String(row.usage.totalTokens),
    ...(judged ? CRITERIA.map((c) => scoreOf(row, c)) : []),
  ]);
  const lines = [
    `model ${run.model}${judged ? `, judged by ${run.judgeModel}` : ""}`,
    "",
    ...columns([header, ...rows, totalRow(run, judged)]),
  ];
  const notes = run.rows.flatMap(notesOf);
  if (notes.length > 0) lines.push("", ...notes);
  return `${lines.join("\n")}\n`;
}

function totalRow(run: EvalRun, judged: boolean): string[] {
  const scored = run.rows.flatMap((r) => (r.score ? [r.score] : []));
  const sum = (pick: (s: (typeof scored)[number]) => number) =>
    scored.reduce((total, s) => total + pick(s), 0);
  const sumCoverage = (pick: (s: (typeof scored)[number]) => Coverage) => ({
    covered: sum((s) => pick(s).covered),
    total: sum((s) => pick(s).total),
  });
  const completed = run.rows.filter((r) => r.status === "completed").length;
  const { drafts } = totalUsage(run);
  return [
    "total",
    `${completed}/${run.rows.length}`,
    String(sum((s) => s.findings.length)),
    String(sum((s) => s.todos)),
    String(sum((s) => s.clarifications)),
    coverage(sumCoverage((s) => s.requirements)),
    coverage(sumCoverage((s) => s.criteria)),
    String(drafts.calls),
    String(drafts.totalTokens),
    ...(judged ? CRITERIA.map((c) => meanScore(run.rows, c)) : []),
  ];
}

function notesOf(row: EvalRow): string[] {
  const notes: string[] = [];
  if (row.error) notes.push(`${row.doc}: draft failed: ${row.error}`);
  if (row.judge && "error" in row.judge) notes.push(`${row.doc}: judge failed: ${row.judge.error}`);
  const codes = new Map<string, number>();
  for (const finding of row.score?.findings ?? [])
    codes.set(finding.code, (codes.get(finding.code) ?? 0) + 1);
  if (codes.size > 0) {
    const list = [...codes].map(([code, n]) => (n > 1 ? `${code} ×${n}` : code)).join(", ");
    notes.push(`${row.doc}: ${list} (plandraft check PLAN --feature DOC lists them)`);
  }
  return notes;
}

const count = (n: number | undefined): string => (n === undefined ? "-" : String(n));

/** `3/4`, or `-` when the doc numbers nothing of the kind. */
const coverage = (c: Coverage | undefined): string =>
  c === undefined || c.total === 0 ? "-" : `${c.covered}/${c.total}`;

function scoreOf(row: EvalRow, criterion: (typeof CRITERIA)[number]): string {
  return row.judge && "verdict" in row.judge ? String(row.judge.verdict[criterion].score) : "-";
}

function meanScore(rows: EvalRow[], criterion: (typeof CRITERIA)[number]): string {
  const scores = rows.flatMap((r) =>
    r.judge && "verdict" in r.judge ? [r.judge.verdict[criterion].score] : [],
  );
  if (scores.length === 0) return "-";
  return (scores.reduce((a, b) => a + b, 0) / scores.length).toFixed(1);
}

/** Left-aligned text, right-aligned numbers, two spaces between columns. */
function columns(table: string[][]): string[] {
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? "").length))) ?? [];
  return table.map((row) =>
    row
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}
