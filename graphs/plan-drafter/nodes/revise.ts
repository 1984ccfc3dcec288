import { Send, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { AppError } from "../../../src/errors.js";
import type { GraphContext } from "../context.js";
import type { DraftStateType, DraftUpdate } from "../state.js";
import { draftUnit } from "./draft-section.js";

/** Where a run starts: a new draft is ingested; a revision goes straight to its first wave. */
export function routeStart(ctx: GraphContext) {
  return (state: DraftStateType): "ingest" | Send[] =>
    state.revision && !isDone(state) ? nextWave(ctx, state) : "ingest";
}

/** Re-drafts one unit of a revision: the named section with the feedback, a dependent without. */
export function reviseNode(ctx: GraphContext) {
  return async (state: DraftStateType, config: LangGraphRunnableConfig): Promise<DraftUpdate> => {
    const revision = state.revision;
    const unit = ctx.layout.units.find((u) => u.id === state.unitId);
    if (!revision || !unit)
      throw new AppError("INTERNAL", `revise got an unknown section ${state.unitId}`);
    const feedback = unit.id === revision.target ? revision.feedback : undefined;
    const { draft, usage } = await draftUnit(ctx, unit, state, [], config, { feedback });
    return {
      drafts: { [unit.id]: draft },
      revised: { [unit.id]: revision.number },
      ...(usage ? { usage } : {}),
    };
  };
}

/** After each wave: the units whose revised dependencies are all done, or the check. */
export function routeAfterRevise(ctx: GraphContext) {
  return (state: DraftStateType): Send[] | "check" =>
    isDone(state) ? "check" : nextWave(ctx, state);
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
