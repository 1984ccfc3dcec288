import { readFile } from "node:fs/promises";
import type { Drafts } from "../drafting/drafts.js";
import type { BriefRequest, ReviewRequest } from "../drafters/review.js";
import { AppError, describeError, schemaProblems } from "../errors.js";
import { EXIT } from "../error-codes.js";
import { ReviewAnswer } from "../events/contract.js";
import type { WorkspaceOptions } from "../workspace/load.js";
import { canAsk, type CliIo } from "./cli-io.js";
import type { DraftOptions } from "./draft-options.js";
import { checkOutputTarget } from "./output-target.js";
import { drawResult } from "./result.js";
import { gateText } from "./gate-text.js";

export type ReviewOptions = Pick<DraftOptions, "output" | "json"> &
  WorkspaceOptions & {
    /** A JSON file: `{ "answers": { "q1": "..." }, "brief": { ... } }` (approve is implied). */
    answers?: string;
    /** Take each question's suggestion where the file does not answer it. */
    approve?: boolean;
    /** Stop the draft at the gate: it ends as cancelled. */
    stop?: boolean;
  };

/** A reviewed answer file is small; anything bigger is not one. */
const MAX_ANSWERS_BYTES = 256 * 1024;

/**
 * `plandraft review ID`: answers a draft waiting at its review gate, from `--answers FILE.json`
 * and/or `--approve` (every suggestion), or stops it with `--stop`; then drafts on with `draft`'s
 * output. With none of them it prints what the gate asks, and exits 3: the draft still waits.
 */
export async function reviewCommand(
  drafts: Drafts,
  id: string,
  options: ReviewOptions,
  io: CliIo,
): Promise<number> {
  const given = options.answers ? await readAnswers(options.answers) : undefined;
  if (options.stop && (given || options.approve)) {
    throw new AppError("USAGE", "--stop cannot go with --answers or --approve", {
      hint: "stop the draft, or answer it",
    });
  }
  if (options.output) await checkOutputTarget(options.output);
  const { id: draftId, gate } = await drafts.gate(id);
  if (given && gate.kind === "revision") {
    throw new AppError("USAGE", `draft ${draftId} waits for a review of a revised section`, {
      hint: "keep it with --approve, or drop it with --stop: --answers answers a brief's questions",
    });
  }
  if (!given && !options.approve && !options.stop) {
    if (options.json)
      io.stdout.write(`${JSON.stringify({ id: draftId, review: gate }, null, 2)}\n`);
    else io.stderr.write(gateText(draftId, gate));
    return askInTerminal(drafts, options, io)(draftId, gate);
  }
  const answer: ReviewAnswer = options.stop
    ? { approve: false }
    : gate.kind === "revision"
      ? { approve: true }
      : {
          approve: true,
          ...(given?.brief ? { brief: given.brief } : {}),
          answers: { ...(options.approve ? suggestions(gate) : {}), ...given?.answers },
        };
  return answerGate(drafts, draftId, answer, options, io);
}

/** Drafts on from the gate with an answer, with `draft`'s output. */
function answerGate(
  drafts: Drafts,
  id: string,
  answer: ReviewAnswer,
  options: ReviewOptions,
  io: CliIo,
): Promise<number> {
  const workspace = { repo: options.repo, context: options.context, workspace: options.workspace };
  return drawResult(io, options, async (onEvent) => {
    const run = await drafts.review(id, answer, workspace, { onEvent });
    return run.done;
  });
}

/**
 * At the gate with a person at a terminal (and no --json): asks them, and drafts on with their
 * answer. Without one, or when they leave it waiting: exit 3, the draft waits.
 */
export function askInTerminal(
  drafts: Drafts,
  options: ReviewOptions,
  io: CliIo,
): (id: string, gate: ReviewRequest) => Promise<number> {
  return async (id, gate) => {
    if (options.json || !canAsk(io)) return EXIT.awaitingReview;
    // Let go of the store while the person thinks: the embedded one is this process's alone
    // while open, and its engine reads the terminal's input itself, taking their keystrokes
    // (seen: the first key after each question lost). The answer's call opens it again.
    await drafts.close();
    // The prompts (inquirer, with its encodings, and YAML) load only when someone is asked:
    // about 1 MB of code every draft would otherwise compile before its first model call.
    const { askReview } = await import("./review-prompt.js");
    const answer = await askReview(gate, io);
    if (!answer) {
      io.stderr.write(
        `plandraft: draft ${id} still waits; answer it with \`plandraft review ${id}\`\n`,
      );
      return EXIT.awaitingReview;
    }
    return answerGate(drafts, id, answer, options, io);
  };
}

function suggestions(gate: BriefRequest): Record<string, string> {
  // A question without a suggestion stays open: approving does not answer it.
  return Object.fromEntries(
    gate.questions.filter((q) => q.suggestion).map((q) => [q.id, q.suggestion]),
  );
}

/** The answers file, checked against the contract before anything is sent. */
async function readAnswers(path: string): Promise<Omit<ReviewAnswer, "approve">> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_ANSWERS_BYTES) {
      throw new AppError(
        "USAGE",
        `--answers ${path} is ${bytes.length} bytes, over ${MAX_ANSWERS_BYTES}`,
        {
          hint: "an answers file holds the answers and brief edits only",
        },
      );
    }
    text = bytes.toString("utf8");
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("USAGE", `cannot read --answers ${path}: ${describeError(error)}`, {
      hint: 'name a JSON file such as { "answers": { "q1": "..." } }',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError("USAGE", `--answers ${path} is not valid JSON: ${describeError(error)}`, {
      hint: 'write it as { "answers": { "q1": "..." }, "brief": { ... } }',
    });
  }
  const parsed = ReviewAnswer.omit({ approve: true }).safeParse(json);
  if (!parsed.success) {
    const problems = schemaProblems(parsed.error, "the file");
    throw new AppError("REVIEW_ANSWER_INVALID", `--answers ${path}: ${problems}`, {
      hint: "answers by question id (q1...), and brief edits with the brief's own fields",
    });
  }
  return parsed.data;
}
