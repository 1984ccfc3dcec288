import type { RunnableConfig } from "@langchain/core/runnables";
import type { AnsweredQuestion } from "./review.js";
import { AppError } from "../errors.js";
import type { CallBudget } from "../models/call-budget.js";
import type { ModelRetry } from "../models/retry-policy.js";
import type { SectionDraft } from "../render/types.js";
import type { DraftLayout, SectionNode, WorkUnit } from "../../graphs/plan-drafter/topology.js";
import type { FeatureDoc } from "../feature/feature-doc.js";
import type { FeatureFacts } from "../feature/facts.js";
import type { KnownRepository } from "../workspace/known.js";
import type { SectionGrounding } from "../workspace/types.js";
import type { Brief } from "./brief.js";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  calls: number;
}

export const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, calls: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    calls: a.calls + b.calls,
  };
}

/**
 * The error of a drafter call that failed after it had sent requests: what they spent counts in
 * the draft's usage like any other call's.
 */
export class CallFailed extends AppError {
  readonly usage: Usage;

  constructor(error: AppError, usage: Usage) {
    super(error.code, error.message, {
      hint: error.hint,
      cause: error.cause,
    });
    this.usage = usage;
  }
}

/** What the requests of a failed drafter call spent, when it says. */
export function usageSpentBy(error: unknown): Usage | undefined {
  return error instanceof CallFailed ? error.usage : undefined;
}

/** What a drafter's model calls answer to, besides their content. */
export interface CallWatch {
  /** The model requests this run may still send (PLANDRAFT_MAX_MODEL_CALLS); absent: no limit. */
  modelCalls?: CallBudget | undefined;
  /** Told each time a failed model request is tried again, before the wait. */
  onRetry?: ((retry: ModelRetry) => void) | undefined;
}

export interface BriefRequest extends CallWatch {
  feature: FeatureDoc;
  layout: DraftLayout;
  /** What the doc states explicitly; the brief may not contradict it. Absent in older drafts. */
  facts?: FeatureFacts | undefined;
  /**
   * What the workspace's repositories declare (endpoints, tables, files): the rule drafter says
   * from it which repositories what the doc names lives in. Absent without a workspace.
   */
  known?: readonly KnownRepository[] | undefined;
  /** Set on the one repair turn: the earlier brief and where it contradicted the facts. */
  repair?: { previous: Brief; contradictions: string[] } | undefined;
}

export interface SectionRequest extends CallWatch {
  unit: WorkUnit;
  node: SectionNode;
  layout: DraftLayout;
  feature: FeatureDoc;
  /** What the doc states explicitly (read once at ingest); the draft may not contradict it. */
  facts: FeatureFacts;
  brief: Brief;
  /** Questions a person answered when reviewing the brief; absent or empty: none. */
  answers?: readonly AnsweredQuestion[] | undefined;
  /**
   * What the workspace's repositories and context docs hold that is relevant to this section,
   * within the token budget; absent without a workspace.
   */
  grounding?: SectionGrounding | undefined;
  /** What the workspace's repositories declare, as in the brief's request; absent without one. */
  known?: readonly KnownRepository[] | undefined;
  /** The drafted markdown of the sections this one depends on. */
  dependencies: { title: string; markdown: string }[];
  /** Problems the check found in an earlier draft of this unit; empty on the first try. */
  findings: string[];
  /** The earlier draft, when re-drafting. */
  previous: SectionDraft | undefined;
  /** Set when a revision re-drafts this unit. */
  revision: RevisionRequest | undefined;
  /**
   * Sees the unit's content while the model writes it: the partial content so far, and the
   * attempt it belongs to (a retried request or a repair turn starts again from nothing).
   * Drafters that do not stream never call it.
   */
  onPartial?: ((content: Record<string, unknown>, attempt: number) => void) | undefined;
}

/**
 * A revision of one section with a reviewer's feedback. The section it names gets the feedback;
 * a section re-drafted because sections it builds on were (a cascade) gets the same feedback and
 * what changed in those sections.
 */
export interface RevisionRequest {
  feedback: string;
  /** The title of the section the feedback is for. */
  section: string;
  /** For a dependent: what changed in each revised section it builds on; absent for the section named. */
  changes: SectionChange[] | undefined;
}

/** What a revision changed in one section: its lines that went, and those that came. */
export interface SectionChange {
  title: string;
  removed: string[];
  added: string[];
}

/**
 * Writes a plan's content. The graph is the same whoever writes: an LLM through a chat model,
 * or the deterministic rule-based drafter that needs no model at all.
 */
export interface Drafter {
  /** The model name as the user gave it, e.g. "openai:gpt-4o-mini", or "none". */
  readonly model: string;
  /** A note for the top of the plan (the rule-based drafter says no LLM wrote it). */
  readonly notice: string | undefined;
  /**
   * Whether its section requests carry the workspace's ranked parts (a model). The rule drafter
   * only looks up what the doc names in the checkouts; no part is sent, so none is reported.
   */
  readonly sendsWorkspace: boolean;
  brief(request: BriefRequest, config: RunnableConfig): Promise<{ brief: Brief; usage: Usage }>;
  /**
   * Gets ready for the sections of `layout` while the model writes the brief, so that their
   * wave does not start with work that could have been done while waiting. Optional: a drafter
   * with nothing to get ready has none.
   */
  prepare?(layout: DraftLayout): void;
  section(
    request: SectionRequest,
    config: RunnableConfig,
  ): Promise<{ draft: SectionDraft; usage: Usage }>;
}
