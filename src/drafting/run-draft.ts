import { randomUUID } from "node:crypto";
import { MemorySaver, type BaseCheckpointSaver, type Command } from "@langchain/langgraph";
import type { RunContext } from "../../graphs/plan-drafter/context.js";
import type { PlanGraph } from "../../graphs/plan-drafter/index.js";
import type {
  DraftFinding,
  DraftStateType,
  ProgressEvent,
  Revision,
} from "../../graphs/plan-drafter/state.js";
import type { Config } from "../config.js";
import type { FeatureDoc } from "../feature/feature-doc.js";
import type { Drafter, Usage } from "../drafters/types.js";
import { createCallBudget } from "../models/call-budget.js";
import { NO_USAGE } from "../drafters/types.js";
import type { SectionDraft } from "../render/types.js";
import { createTemplateCatalog } from "../../graphs/plan-drafter/template-catalog.js";
import { unitTitle, type DraftLayout } from "../../graphs/plan-drafter/topology.js";
import type { Template } from "../template/types.js";
import type { Grounding, WorkspaceMaterial } from "../workspace/types.js";
import type { BriefRequest, ReviewRequest } from "../drafters/review.js";

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
  title: string;
  /** `awaiting_review`: the run stopped at the review gate; `review` says what it asks. */
  status: "completed" | "failed" | "awaiting_review";
  model: string;
  markdown: string;
  sections: SectionResult[];
  usage: Usage;
  findings: DraftFinding[];
  /** The version this run saved, when it completed. */
  version?: number;
  /** What the review gate asks, when the run stopped there. */
  review?: ReviewRequest | undefined;
  /** A revision stopped at its review gate: nothing of it kept, the plan is as it was. */
  dropped?: boolean | undefined;
}

export type DraftEvent =
  | {
      type: "draft.started";
      id: string;
      title: string;
      sections: SectionOutline[];
      resumed: boolean;
      /** What a revision run re-drafts; absent for a first draft or a resume. */
      revision?: RevisionSummary | undefined;
    }
  | ProgressEvent;

export interface RevisionSummary {
  section: string;
  feedback: string;
  cascade: boolean;
  sections: string[];
}

/** What a revision re-drafts, as its events and its version tell it. */
export function summaryOf(revision: Revision): RevisionSummary {
  return {
    section: revision.target,
    feedback: revision.feedback,
    cascade: revision.cascade,
    sections: revision.units,
  };
}

/** The units of a layout as a client lays them out: id, title, and what each waits for. */
export function outlineOf(layout: DraftLayout): SectionOutline[] {
  return layout.units.map((unit) => {
    const parent = layout.nodes.find((n) => n.name === unit.node);
    const title = unitTitle(layout, unit);
    const dependsOn = layout.units
      .filter((u) => parent?.dependsOn.includes(u.node))
      .map((u) => u.id);
    return { id: unit.id, title, node: unit.node, dependsOn };
  });
}

/** What running a graph needs: the config, a drafter per model, and where checkpoints go. */
export interface GraphDeps {
  config: Config;
  drafterFor(modelName?: string): Drafter;
  checkpointer: BaseCheckpointSaver;
}

export type GraphInput =
  | Partial<
      Pick<
        DraftStateType,
        | "featureText"
        | "featureSource"
        | "date"
        | "revision"
        | "checks"
        | "repairs"
        | "grounding"
        | "reviewFirst"
      >
    >
  /** A person's answer at the review gate: `new Command({ resume: answer })`. */
  | Command;

/** Where a run ended: the thread's state, and what the review gate asks when it stopped there. */
export interface RunEnd {
  state: DraftStateType | undefined;
  review: ReviewRequest | undefined;
}

/** Runs (or, with a null input, continues) a draft's thread, reporting progress as it goes. */
export async function streamDraft(
  deps: GraphDeps,
  graph: PlanGraph,
  threadId: string,
  input: GraphInput | null,
  onEvent: (event: DraftEvent) => void,
  run: { signal?: AbortSignal | undefined; workspace?: WorkspaceMaterial | undefined } = {},
): Promise<RunEnd> {
  const { signal, workspace } = run;
  // "updates" rather than "values": copying the whole state out after every step costs more
  // than reading the final state once from the checkpoint.
  const stream = await graph.stream(input, {
    streamMode: ["custom", "updates"],
    // Each step's checkpoint is saved before the next step starts, so a crash never loses a
    // section that was already drafted (and paid for).
    durability: "sync",
    maxConcurrency: deps.config.maxParallelCalls,
    configurable: { thread_id: threadId },
    // Per run, so that a resume or a revision has the whole limit again.
    context: {
      modelCalls: createCallBudget(deps.config.maxModelCalls),
      workspace,
    } satisfies RunContext,
    ...(signal ? { signal } : {}),
  });
  for await (const [mode, chunk] of stream as AsyncIterable<[string, unknown]>) {
    if (mode === "custom") onEvent(chunk as ProgressEvent);
  }
  const snapshot = await graph.getState({ configurable: { thread_id: threadId } });
  return { state: snapshot.values as DraftStateType, review: gateOf(snapshot.tasks) };
}

/** What the review gate asks, when the thread waits there (its interrupt's value). */
export function gateOf(
  tasks: readonly { name: string; interrupts: readonly { value?: unknown }[] }[],
): ReviewRequest | undefined {
  const waiting = tasks.find((t) => GATES.has(t.name) && t.interrupts.length > 0);
  const value = waiting?.interrupts[0]?.value as ReviewRequest | Omit<BriefRequest, "kind">;
  if (!value) return undefined;
  // A draft that stopped at its brief before gates had kinds waits there still.
  return "kind" in value ? value : { kind: "brief", ...value };
}

/** The graph's steps that stop for a person: the brief's review, and a revision's. */
const GATES = new Set(["review", "revisionReview"]);

export function resultOf(
  draft: { id: string; title: string; model: string },
  outline: SectionOutline[],
  { state, review }: RunEnd,
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
    ...draft,
    status: review ? "awaiting_review" : failed ? "failed" : "completed",
    review,
    ...(state?.revision?.dropped ? { dropped: true } : {}),
    markdown: state?.markdown ?? "",
    sections,
    usage: state?.usage ?? NO_USAGE,
    findings: state?.findings ?? [],
  };
}

/**
 * One draft from start to end with checkpoints in memory and no draft record: for the graph's
 * own tests and benchmarks, and for LangGraph tooling. The CLI and the server use the service.
 */
export async function draftInMemory(
  deps: Omit<GraphDeps, "checkpointer">,
  request: {
    feature: FeatureDoc;
    featureSource: string;
    template: Template;
    model?: string;
    date?: string;
    /** The workspace, read: what the sections are grounded in, and what the plan says of it. */
    workspace?: { material: WorkspaceMaterial; grounding: Grounding } | undefined;
  },
  onEvent: (event: DraftEvent) => void = () => {},
): Promise<DraftResult> {
  const id = randomUUID();
  const checkpointer = new MemorySaver();
  // A catalog of its own: no graph built before saves to this new checkpointer.
  const { graph, layout, model } = createTemplateCatalog(deps).graphFor(request.template, {
    model: request.model,
    checkpointer,
  });
  const outline = outlineOf(layout);
  onEvent({
    type: "draft.started",
    id,
    title: request.feature.name,
    sections: outline,
    resumed: false,
  });
  const input = {
    featureText: request.feature.text,
    featureSource: request.featureSource,
    ...(request.date ? { date: request.date } : {}),
    ...(request.workspace ? { grounding: request.workspace.grounding } : {}),
  };
  const end = await streamDraft({ ...deps, checkpointer }, graph, id, input, onEvent, {
    workspace: request.workspace?.material,
  });
  return resultOf({ id, title: request.feature.name, model }, outline, end);
}
