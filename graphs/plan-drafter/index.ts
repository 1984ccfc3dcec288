import { END, START, Send, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import type { SectionNode } from "./topology.js";
import type { GraphContext } from "./context.js";
import { analyzeNode } from "./nodes/analyze.js";
import { assembleNode } from "./nodes/assemble.js";
import { checkNode, routeAfterCheck } from "./nodes/check.js";
import { repairNode, sectionNode } from "./nodes/draft-section.js";
import { ingestNode } from "./nodes/ingest.js";
import { reviseNode, routeAfterRevise, routeStart } from "./nodes/revise.js";
import { DraftState, type DraftStateType } from "./state.js";

/**
 * The plan drafter: ingest -> analyze -> the template's sections (in parallel where they do
 * not depend on each other; a fan-out section once per repository) -> check (one bounded
 * repair round) -> assemble. The layout, built from the template, decides the section nodes.
 * A later run on the same thread with a `revision` input re-drafts one section (and, with
 * cascade, what depends on it) and goes through the same check and assemble.
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
  for (const node of ctx.layout.nodes) graph.addNode(node.name, sectionNode(ctx, node));
  graph.addNode("check", checkNode(ctx));
  graph.addNode("repair", repairNode(ctx));
  graph.addNode("assemble", assembleNode(ctx));
  graph.addNode("revise", reviseNode(ctx));
  graph.addNode("revisionWave", () => ({}));

  graph.addConditionalEdges(START, routeStart(ctx), ["ingest", "revise"]);
  graph.addEdge("ingest", "analyze");
  const fanOuts = ctx.layout.nodes.filter((n) => n.fanOut);
  for (const node of ctx.layout.nodes) wireSection(graph, node);
  if (fanOuts.length > 0) {
    graph.addConditionalEdges(
      "analyze",
      (state: DraftStateType) => fanOutSends(ctx, fanOuts, state),
      fanOuts.map((n) => n.name),
    );
  }
  const sinks = ctx.layout.nodes.filter(
    (n) => !ctx.layout.nodes.some((o) => o.dependsOn.includes(n.name)),
  );
  graph.addEdge(sinks.length > 0 ? sinks.map((n) => n.name) : ["analyze"], "check");
  graph.addConditionalEdges("check", routeAfterCheck, ["repair", "assemble"]);
  graph.addEdge("repair", "check");
  graph.addEdge("assemble", END);
  // A revision: waves of re-drafted units (each wave joins at "revisionWave"), then the same check.
  graph.addEdge("revise", "revisionWave");
  graph.addConditionalEdges("revisionWave", routeAfterRevise(ctx), ["revise", "check"]);
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
  if (node.dependsOn.length === 0) graph.addEdge("analyze", node.name);
  else graph.addEdge(node.dependsOn, node.name);
}

/** One `Send` per repository: each call drafts one repository's changes. */
function fanOutSends(ctx: GraphContext, fanOuts: SectionNode[], state: DraftStateType): Send[] {
  return fanOuts.flatMap((node) =>
    ctx.layout.units
      .filter((u) => u.node === node.name)
      .map((unit) => new Send(node.name, { ...state, unitId: unit.id })),
  );
}
