import type { RunEvent, RunResult } from "../drafting/drafts.js";
import { AppError, isAppError } from "../errors.js";
import { writeFileAtomic } from "./io.js";
import { EXIT } from "../error-codes.js";
import type { CliIo } from "./cli-io.js";
import type { DraftOptions } from "./draft-options.js";
import { createProgress } from "./progress.js";
import { gateText } from "./gate-text.js";
import type { ReviewRequest } from "../drafters/review.js";

/** Shows progress while `run` drafts, then writes the plan (or the JSON result) and picks the exit code. */
export async function drawResult(
  io: CliIo,
  options: Pick<DraftOptions, "output" | "json">,
  run: (onEvent: (event: RunEvent) => void) => Promise<RunResult>,
  /** What happens when the run stops at the review gate; else it exits 3, the draft waiting. */
  atGate?: (id: string, gate: ReviewRequest) => Promise<number>,
): Promise<number> {
  const progress = createProgress(io.stderr);
  const result = await run((event) => progress.onEvent(event));
  if (result.review) {
    // Stopped at the gate: what it asks goes where the summary would, and the draft waits.
    progress.done(gateText(result.id, result.review).trimEnd());
    if (options.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return atGate ? atGate(result.id, result.review) : EXIT.awaitingReview;
  }
  progress.done(summaryOf(result));
  if (options.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (result.status !== "completed") return EXIT.failed;
  if (options.output) return writePlan(io, options.output, result);
  if (!options.json) io.stdout.write(result.markdown);
  return EXIT.ok;
}

/**
 * The target was checked before drafting, but it can change while a draft runs. The draft is
 * paid for and kept by then, so this is PLAN_NOT_WRITTEN, a failed run (1), not bad input (2),
 * and the line says how to get the plan.
 */
async function writePlan(io: CliIo, output: string, result: RunResult): Promise<number> {
  try {
    await writeFileAtomic(output, result.markdown);
    return EXIT.ok;
  } catch (error) {
    if (!isAppError(error)) throw error;
    const notWritten = new AppError("PLAN_NOT_WRITTEN", error.message, {
      hint: `the plan is kept with draft ${result.id}: \`plandraft show ${result.id} -o FILE\` writes it`,
      cause: error,
    });
    io.stderr.write(`plandraft: ${notWritten.toLine()}\n`);
    return notWritten.exitCode;
  }
}

function summaryOf(result: RunResult): string {
  const tokens =
    result.usage.calls > 0
      ? `, ${result.usage.calls} model calls, ${result.usage.totalTokens} tokens (${result.usage.inputTokens} in, ${result.usage.outputTokens} out)`
      : ", no model calls";
  const findings =
    result.findings.length > 0
      ? `\n${result.findings.map((f) => `  check: ${f.code}: ${f.message}`).join("\n")}`
      : "";
  if (result.status === "completed" && result.dropped) {
    return `plandraft: dropped the revision of ${result.id}: its plan stays version ${result.version ?? 1}${tokens}`;
  }
  if (result.status === "completed") {
    return `plandraft: drafted ${result.id} (version ${result.version ?? 1}) with ${result.model}${tokens}${findings}`;
  }
  const failed = result.sections.filter((s) => s.status === "failed" || s.status === "missing");
  const reasons = failed
    .map((s) => `  ✗ ${s.title}: ${s.code ?? "NOT_DRAFTED"}: ${s.message ?? "not drafted"}`)
    .join("\n");
  return `plandraft: draft ${result.id} failed: ${failed.length} section${failed.length === 1 ? "" : "s"} could not be drafted${tokens}\n${reasons}${findings}`;
}
