import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Finding } from "../../src/check/index.js";
import type { CallWatch, Drafter } from "../../src/drafters/types.js";
import type { FeatureFacts } from "../../src/feature/facts.js";
import type { CallBudget } from "../../src/models/call-budget.js";
import type { DraftLayout } from "./topology.js";
import { knownRepositories, type KnownRepository } from "../../src/workspace/known.js";
import type { CheckoutFiles, WorkspaceMaterial } from "../../src/workspace/types.js";
import type { ProgressEvent } from "./state.js";

/** What every node needs besides the state: given once, when the graph is built. */
export interface GraphContext {
  layout: DraftLayout;
  drafter: Drafter;
  /**
   * `plandraft check`, with the doc's facts as `--feature` (never `--strict`: a draft may ask)
   * and, when the run read a workspace, its checkouts as `--workspace`.
   */
  checkPlan: (
    markdown: string,
    facts: FeatureFacts,
    checkouts?: readonly CheckoutFiles[],
  ) => Promise<Finding[]>;
  /** Starts the slow part of a check (diagram parsing) for a section that is drafted. */
  prepareCheck: (markdown: string) => void;
  maxFeatureBytes: number;
  /** The date to use when the input gives none. */
  today: () => string;
}

export function report(config: LangGraphRunnableConfig, event: ProgressEvent): void {
  config.writer?.(event);
}

/** What one run of the graph (a draft, a resume, a revision) brings besides its input. */
export interface RunContext {
  /** The model requests the run may still send. */
  modelCalls: CallBudget;
  /**
   * The workspace's repositories and context docs, read for this run; absent: the sections are
   * drafted from the doc alone (a draft without a workspace, or a resume).
   */
  workspace?: WorkspaceMaterial | undefined;
}

/** The workspace material of the run, when it has one. */
export function workspaceOf(config: LangGraphRunnableConfig): WorkspaceMaterial | undefined {
  return (config.context as Partial<RunContext> | undefined)?.workspace;
}

/** What the run's repositories declare, for a drafter's request; nothing without a workspace. */
export function knownOf(config: LangGraphRunnableConfig): { known?: KnownRepository[] } {
  const material = workspaceOf(config);
  return material ? { known: knownRepositories(material.digests) } : {};
}

/**
 * What a node's model calls answer to: the run's call budget and a report of each retry (for
 * `unit`, or the brief). A run without a context (LangGraph tooling) has no call budget.
 */
export function callWatch(config: LangGraphRunnableConfig, unit?: string): CallWatch {
  const context = config.context as Partial<RunContext> | undefined;
  return {
    modelCalls: context?.modelCalls,
    onRetry: (retry) => report(config, { type: "model.retry", unit, ...retry }),
  };
}
