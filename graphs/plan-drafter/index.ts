import { END, START, Send, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import type { SectionNode } from "./topology.js";
import type { GraphContext } from "./context.js";
import { analyzeNode } from "./nodes/analyze.js";
import { assembleNode } from "./nodes/assemble.js";
import { checkNode, routeAfterCheck } from "./nodes/check.js";
import { repairNode, sectionNode } from "./nodes/draft-section.js";
import { ingestNode } from "./nodes/ingest.js";
import { reviseNode, routeAfterRevise, routeStart } from "./nodes/revise.js";
import { reviewNode, waitsForReview } from "./nodes/review.js";
import { revisionReviewNode } from "./nodes/revision-review.js";
import { DraftState, type DraftStateType } from "./state.js";

/**
 * The plan drafter: ingest -> analyze -> (the review gate, when asked for) -> the template's sections (in parallel where they do
 * not depend on each other; a fan-out section once per repository) -> check (one bounded
 * repair round) -> assemble. The layout, built from the template, decides the section nodes.
 * A later run on the same thread with a `revision` input re-drafts one section (and, with
 * cascade, what depends on it; with review, once a person keeps the section) and goes through
 * the same check and assemble.
 */
export function buildPlanGraph(ctx: GraphContext, checkpointer?: BaseCheckpointSaver) {
  // Node names come from the template, so the builder is typed loosely on names.
  const graph = new StateGraph(DraftState) as unknown as StateGraph<
    typeof DraftState.spec,
    DraftStateType,
    Partial<DraftStateType>,
    string
  >;
  graph.addNode("ingest", ingestNode(ctx));
  graph.addNode("analyze", analyzeNode(ctx));
  graph.addNode("review", reviewNode());
  for (const node of ctx.layout.nodes) graph.addNode(node.name, sectionNode(ctx, node));
  graph.addNode("check", checkNode(ctx));
  graph.addNode("repair", repairNode(ctx));
  graph.addNode("assemble", assembleNode(ctx));
  graph.addNode("revise", reviseNode(ctx));
  graph.addNode("revisionWave", () => ({}));
  graph.addNode("revisionReview", revisionReviewNode(ctx));

  graph.addConditionalEdges(START, routeStart(ctx), ["ingest", "revise"]);
  graph.addEdge("ingest", "analyze");
  for (const node of ctx.layout.nodes) wireSection(graph, node);
  // The first wave starts after the brief, or after the gate when a person reviews it first.
  const first = firstWave(ctx);
  graph.addConditionalEdges(
    "analyze",
    (state: DraftStateType) => (waitsForReview(state) ? "review" : first(state)),
    ["review", ...first.targets],
  );
  graph.addConditionalEdges("review", first, first.targets);
  const sinks = ctx.layout.nodes.filter(
    (n) => !ctx.layout.nodes.some((o) => o.dependsOn.includes(n.name)),
  );
  if (sinks.length > 0)
    graph.addEdge(
      sinks.map((n) => n.name),
      "check",
    );
  graph.addConditionalEdges("check", routeAfterCheck, ["repair", "assemble"]);
  graph.addEdge("repair", "check");
  graph.addEdge("assemble", END);
  // A revision: waves of re-drafted units (each wave joins at "revisionWave"), then the same check.
  graph.addEdge("revise", "revisionWave");
  const afterRevise = routeAfterRevise(ctx);
  graph.addConditionalEdges("revisionWave", afterRevise, afterRevise.targets);
  // A revision reviewed first: kept, its cascade goes on; dropped, the run ends as it was.
  graph.addConditionalEdges("revisionReview", afterRevise, afterRevise.targets);
  return graph.compile({ checkpointer, name: "plan-drafter" });
}

export type PlanGraph = ReturnType<typeof buildPlanGraph>;

function wireSection(
  graph: StateGraph<typeof DraftState.spec, DraftStateType, Partial<DraftStateType>, string>,
  node: SectionNode,
): void {
  if (node.fanOut) {
    if (node.dependsOn.length > 0)
      throw new Error(`fan-out section ${node.name} cannot wait for others`);
    return;
  }
  // The first wave's nodes are routed to from the brief (firstWave).
  if (node.dependsOn.length > 0) graph.addEdge(node.dependsOn, node.name);
}

/**
 * The sections that start once the brief is settled: those that wait for no other section, and
 * one `Send` per repository of each fan-out section (each call drafts one repository's changes).
 */
function firstWave(ctx: GraphContext) {
  const starts = ctx.layout.nodes.filter((n) => !n.fanOut && n.dependsOn.length === 0);
  const fanOuts = ctx.layout.nodes.filter((n) => n.fanOut);
  // A template without sections goes straight to the check (which finds that out).
  if (starts.length === 0 && fanOuts.length === 0)
    return Object.assign(() => "check", { targets: ["check"] });
  const route = (state: DraftStateType): (string | Send)[] => [
    ...starts.map((n) => n.name),
    ...fanOuts.flatMap((node) =>
      ctx.layout.units
        .filter((u) => u.node === node.name)
        .map((unit) => new Send(node.name, { ...state, unitId: unit.id })),
    ),
  ];
  return Object.assign(route, { targets: [...starts, ...fanOuts].map((n) => n.name) });
}
