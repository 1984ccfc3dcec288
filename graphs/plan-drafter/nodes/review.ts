import { interrupt, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { ReviewAnswer } from "../../../src/events/contract.js";
import { answerProblems, applyReview, reviewRequestOf } from "../../../src/drafters/review.js";
import { AppError } from "../../../src/errors.js";
import type { DraftStateType, DraftUpdate } from "../state.js";

/**
 * The review gate: stops the run after analyze, before any section is paid for, with the brief
 * and its questions (LangGraph's `interrupt`: the state stays in the checkpoint, so the draft
 * can wait for days and any process can go on with it). Resumed with `Command({ resume })`
 * carrying a person's answer, it gives the sections the brief as they left it. Whoever resumes
 * checks the answer first and tells its sender what does not fit; the check here keeps a bad
 * answer from reaching the sections whatever sent it.
 */
export function reviewNode() {
  return (state: DraftStateType, _config: LangGraphRunnableConfig): DraftUpdate => {
    if (!state.brief) throw new AppError("INTERNAL", "the review gate ran before analyze");
    const request = reviewRequestOf(state.brief);
    const given: unknown = interrupt(request);
    const answer = ReviewAnswer.safeParse(given);
    if (!answer.success) {
      throw new AppError("REVIEW_ANSWER_INVALID", `the review's answer: ${answer.error.message}`);
    }
    const problems = answerProblems(request, answer.data);
    if (problems.length > 0) {
      throw new AppError("REVIEW_ANSWER_INVALID", `the review's answer: ${problems.join("; ")}`);
    }
    if (!answer.data.approve) {
      throw new AppError("DRAFT_CANCELLED", "the draft was stopped at the review of its brief");
    }
    return applyReview(state.brief, request, answer.data);
  };
}

/** Whether the run stops at the gate: review asked for, and nobody has answered yet. */
export function waitsForReview(state: DraftStateType): boolean {
  return state.reviewFirst === true && state.reviewed === undefined;
}
