import { END, Send, type LangGraphRunnableConfig } from "@langchain/langgraph";
import type { RevisionRequest, SectionChange } from "../../../src/drafters/types.js";
import { AppError } from "../../../src/errors.js";
import { renderUnit } from "../../../src/render/plan.js";
import { unitTitle, type WorkUnit } from "../topology.js";
import type { GraphContext } from "../context.js";
import type { DraftStateType, DraftUpdate, Revision } from "../state.js";
import { draftUnit } from "./draft-section.js";
import { waitsForRevisionReview } from "./revision-review.js";

/** A dependent is shown at most this many lines that went, and as many that came, per section. */
const MAX_CHANGED_LINES = 40;

/** Where a run starts: a new draft is ingested; a revision goes straight to its first wave. */
export function routeStart(ctx: GraphContext) {
  return (state: DraftStateType): "ingest" | Send[] =>
    state.revision && !isDone(state) ? nextWave(ctx, state) : "ingest";
}

/**
 * Re-drafts one unit of a revision: the named section with the feedback; a dependent with the
 * same feedback and what changed in the revised sections it builds on.
 */
export function reviseNode(ctx: GraphContext) {
  return async (state: DraftStateType, config: LangGraphRunnableConfig): Promise<DraftUpdate> => {
    const revision = state.revision;
    const unit = ctx.layout.units.find((u) => u.id === state.unitId);
    const target = ctx.layout.units.find((u) => u.id === revision?.target);
    if (!revision || !unit || !target)
      throw new AppError("INTERNAL", `revise got an unknown section ${state.unitId}`);
    const request: RevisionRequest = {
      feedback: revision.feedback,
      section: unitTitle(ctx.layout, target),
      changes: unit === target ? undefined : changesAbove(ctx, state, unit, revision),
    };
    const before = state.drafts[unit.id];
    const { draft, usage } = await draftUnit(ctx, unit, state, [], config, request);
    return {
      drafts: { [unit.id]: draft },
      revised: { [unit.id]: revision.number },
      ...(before
        ? {
            replaced: { [unit.id]: renderUnit(unit.section, before) },
            unrevised: { [unit.id]: { draft: before, revision: state.revised[unit.id] } },
          }
        : {}),
      ...(usage ? { usage } : {}),
    };
  };
}

/** What this revision changed in the sections `unit` builds on, line by line. */
function changesAbove(
  ctx: GraphContext,
  state: DraftStateType,
  unit: WorkUnit,
  revision: Revision,
): SectionChange[] {
  const node = ctx.layout.nodes.find((n) => n.name === unit.node);
  return ctx.layout.units
    .filter((u) => node?.dependsOn.includes(u.node) && state.revised[u.id] === revision.number)
    .map((u) => {
      const now = state.drafts[u.id];
      const after = now ? renderUnit(u.section, now) : "";
      return changedLines(unitTitle(ctx.layout, u), state.replaced?.[u.id] ?? "", after);
    });
}

/** Lines are compared as a whole, in order of the new text; a section's lines rarely repeat. */
export function changedLines(title: string, before: string, after: string): SectionChange {
  const lines = (text: string) =>
    text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  const old = new Set(lines(before));
  const now = new Set(lines(after));
  return {
    title,
    removed: [...old].filter((l) => !now.has(l)).slice(0, MAX_CHANGED_LINES),
    added: [...now].filter((l) => !old.has(l)).slice(0, MAX_CHANGED_LINES),
  };
}

/**
 * After each wave: the person's review of the re-drafted section when asked for, then the units
 * whose revised dependencies are all done, or the check. A revision dropped at its review ends.
 */
export function routeAfterRevise(ctx: GraphContext) {
  const route = (state: DraftStateType): Send[] | "check" | "revisionReview" | typeof END => {
    if (state.revision?.dropped) return END;
    if (waitsForRevisionReview(state)) return "revisionReview";
    return isDone(state) ? "check" : nextWave(ctx, state);
  };
  return Object.assign(route, { targets: ["revise", "check", "revisionReview", END] });
}

function pending(state: DraftStateType): string[] {
  const revision = state.revision;
  if (!revision) return [];
  return revision.units.filter((id) => state.revised[id] !== revision.number);
}

function isDone(state: DraftStateType): boolean {
  return pending(state).length === 0;
}

/** A unit is ready when no unit it depends on is still waiting in this revision. */
function nextWave(ctx: GraphContext, state: DraftStateType): Send[] {
  const waiting = pending(state);
  const nodeOf = (id: string) => ctx.layout.units.find((u) => u.id === id)?.node ?? "";
  const waitingNodes = new Set(waiting.map(nodeOf));
  const ready = waiting.filter((id) => {
    const node = ctx.layout.nodes.find((n) => n.name === nodeOf(id));
    return !node?.dependsOn.some((dependency) => waitingNodes.has(dependency));
  });
  return ready.map((unitId) => new Send("revise", { ...state, unitId }));
}
