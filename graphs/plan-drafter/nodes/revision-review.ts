import { interrupt } from "@langchain/langgraph";
import { ReviewAnswer } from "../../../src/events/contract.js";
import { answerProblems, type RevisionReviewRequest } from "../../../src/drafters/review.js";
import { AppError } from "../../../src/errors.js";
import { renderUnit } from "../../../src/render/plan.js";
import { unitTitle } from "../topology.js";
import type { GraphContext } from "../context.js";
import type { DraftStateType, DraftUpdate, Revision } from "../state.js";

/**
 * A revision's review gate: once the revision has re-drafted its section, stops (LangGraph's
 * `interrupt`) for a person to keep it before the sections that depend on it are paid for.
 * Kept: the cascade goes on. Dropped: the section is put back as it was, and the run ends with
 * the plan it had, keeping no new version.
 */
export function revisionReviewNode(ctx: GraphContext) {
  return (state: DraftStateType): DraftUpdate => {
    const revision = state.revision;
    if (!revision) throw new AppError("INTERNAL", "a revision's review ran with no revision");
    const request = revisionRequestOf(ctx, state, revision);
    const answer = ReviewAnswer.safeParse(interrupt(request));
    if (!answer.success) {
      throw new AppError("REVIEW_ANSWER_INVALID", `the review's answer: ${answer.error.message}`);
    }
    const problems = answerProblems(request, answer.data);
    if (problems.length > 0) {
      throw new AppError("REVIEW_ANSWER_INVALID", `the review's answer: ${problems.join("; ")}`);
    }
    if (answer.data.approve) return { revision: { ...revision, approved: true } };
    const before = state.unrevised[revision.target];
    if (!before) throw new AppError("INTERNAL", `no draft of ${revision.target} to put back`);
    return {
      drafts: { [revision.target]: before.draft },
      revised: { [revision.target]: before.revision ?? 0 },
      revision: { ...revision, dropped: true },
    };
  };
}

/** Whether the run stops for a person: review asked for, the target re-drafted, nobody asked yet. */
export function waitsForRevisionReview(state: DraftStateType): boolean {
  const revision = state.revision;
  return Boolean(
    revision?.review &&
    !revision.approved &&
    !revision.dropped &&
    state.revised[revision.target] === revision.number,
  );
}

function revisionRequestOf(
  ctx: GraphContext,
  state: DraftStateType,
  revision: Revision,
): RevisionReviewRequest {
  const name = (id: string) => {
    const unit = ctx.layout.units.find((u) => u.id === id);
    if (!unit) throw new AppError("INTERNAL", `a revision names an unknown section ${id}`);
    return { unit, id, title: unitTitle(ctx.layout, unit) };
  };
  const target = name(revision.target);
  const now = state.drafts[revision.target];
  return {
    kind: "revision",
    section: { id: target.id, title: target.title },
    feedback: revision.feedback,
    before: state.replaced[revision.target] ?? "",
    after: now ? renderUnit(target.unit.section, now) : "",
    dependents: revision.units.slice(1).map((id) => {
      const { title } = name(id);
      return { id, title };
    }),
  };
}
