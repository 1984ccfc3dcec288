import { randomUUID } from "node:crypto";
import { buildPlanGraph } from "../../graphs/plan-drafter/index.js";
import type {
  DraftFinding,
  DraftStateType,
  ProgressEvent,
} from "../../graphs/plan-drafter/state.js";
import { checkPlan, prepareCheck } from "../check/index.js";
import type { Deps } from "../deps.js";
import type { FeatureDoc, Usage } from "../drafters/types.js";
import { NO_USAGE } from "../drafters/types.js";
import type { SectionDraft } from "../render/types.js";
import { buildLayout, type DraftLayout } from "../template/layout.js";
import type { Template } from "../template/types.js";

export interface DraftRequest {
  feature: FeatureDoc;
  /** The feature doc's text as the user gave it (the graph checks it again at ingest). */
  featureText: string;
  featureSource: string;
  template: Template;
  model?: string | undefined;
  date?: string | undefined;
}

export interface SectionOutline {
  id: string;
  title: string;
  node: string;
  dependsOn: string[];
}

export interface SectionResult extends SectionOutline {
  status: SectionDraft["status"] | "missing";
  code?: string;
  message?: string;
}

export interface DraftResult {
  id: string;
  status: "completed" | "failed";
  model: string;
  markdown: string;
  sections: SectionResult[];
  usage: Usage;
  findings: DraftFinding[];
}

export type DraftEvent =
  { type: "draft.started"; id: string; sections: SectionOutline[] } | ProgressEvent;

/** The units of a layout as a client lays them out: id, title, and what each waits for. */
export function outlineOf(layout: DraftLayout): SectionOutline[] {
  return layout.units.map((unit) => {
    const parent = layout.nodes.find((n) => n.name === unit.node);
    const title = unit.repo
      ? `${parent?.section.title ?? ""} › ${unit.section.title}`
      : unit.section.title;
    const dependsOn = layout.units
      .filter((u) => parent?.dependsOn.includes(u.node))
      .map((u) => u.id);
    return { id: unit.id, title, node: unit.node, dependsOn };
  });
}

/** Runs one draft through the graph, reporting progress as it goes. */
export async function runDraft(
  deps: Deps,
  request: DraftRequest,
  onEvent: (event: DraftEvent) => void = () => {},
): Promise<DraftResult> {
  const id = randomUUID();
  const drafter = deps.drafterFor(request.model);
  const layout = buildLayout(request.template);
  const graph = buildPlanGraph({
    layout,
    drafter,
    checkPlan: (markdown) => checkPlan(markdown, request.template),
    prepareCheck,
    maxFeatureBytes: deps.config.maxFeatureBytes,
    today: () => new Date().toISOString().slice(0, 10),
  });
  const outline = outlineOf(layout);
  onEvent({ type: "draft.started", id, sections: outline });
  let final: DraftStateType | undefined;
  const stream = await graph.stream(
    {
      featureText: request.featureText,
      featureSource: request.featureSource,
      ...(request.date ? { date: request.date } : {}),
    },
    {
      streamMode: ["custom", "values"],
      maxConcurrency: deps.config.maxParallelCalls,
      configurable: { thread_id: id },
    },
  );
  for await (const [mode, chunk] of stream as AsyncIterable<[string, unknown]>) {
    if (mode === "custom") onEvent(chunk as ProgressEvent);
    else final = chunk as DraftStateType;
  }
  return resultOf(id, drafter.model, outline, final);
}

function resultOf(
  id: string,
  model: string,
  outline: SectionOutline[],
  state: DraftStateType | undefined,
): DraftResult {
  const drafts = state?.drafts ?? {};
  const sections: SectionResult[] = outline.map((section) => {
    const draft = drafts[section.id];
    if (!draft) return { ...section, status: "missing" };
    return draft.status === "failed"
      ? { ...section, status: "failed", code: draft.code, message: draft.message }
      : { ...section, status: draft.status };
  });
  const failed =
    !state?.markdown || sections.some((s) => s.status === "failed" || s.status === "missing");
  return {
    id,
    status: failed ? "failed" : "completed",
    model,
    markdown: state?.markdown ?? "",
    sections,
    usage: state?.usage ?? NO_USAGE,
    findings: state?.findings ?? [],
  };
}
