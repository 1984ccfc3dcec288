import { Annotation } from "@langchain/langgraph";
import type { Brief } from "../../src/drafters/brief.js";
import type { Reviewed } from "../../src/drafters/review.js";
import type { FeatureFacts } from "../../src/feature/facts.js";
import type { FeatureDoc } from "../../src/feature/feature-doc.js";
import { NO_USAGE, addUsage, type Usage } from "../../src/drafters/types.js";
import type { ModelRetry } from "../../src/models/retry-policy.js";
import type { SectionDraft } from "../../src/render/types.js";
import type { Grounding } from "../../src/workspace/types.js";
import type { SectionEvent } from "../../src/events/contract.js";

/** Keeps the latest value of each key; parallel sections write different keys of one map. */
function mergeRecords<T>(
  left: Record<string, T>,
  right: Record<string, T> | undefined,
): Record<string, T> {
  return right ? { ...left, ...right } : left;
}

export const DraftState = Annotation.Root({
  /** Input: the feature doc's text, and where it came from (a file name, or "stdin"). */
  featureText: Annotation<string>,
  featureSource: Annotation<string>,
  /** Input, optional: the plan's date (YYYY-MM-DD); today when absent. */
  date: Annotation<string>,
  feature: Annotation<FeatureDoc | undefined>,
  /**
   * What the doc states explicitly, read once per draft at ingest (kept in the checkpoint, so a
   * resume or a revision reads the same): the brief may not contradict it, the appendix notes
   * the doc's text addressed to an AI. Absent in drafts made before it existed (`factsOf`).
   */
  facts: Annotation<FeatureFacts | undefined>,
  brief: Annotation<Brief | undefined>,
  /**
   * Input, optional: stop after analyze for a person to review the brief (LangGraph's
   * `interrupt`), and go on with what they decide (`Command({ resume })`).
   */
  reviewFirst: Annotation<boolean | undefined>,
  /** What the person decided at the gate; absent when nobody reviewed the brief. */
  reviewed: Annotation<Reviewed | undefined>,
  /**
   * Input, optional: which repositories the workspace mapped (names and commits, never a path)
   * and which the template names that it did not; the plan says so. Absent: no workspace.
   */
  grounding: Annotation<Grounding | undefined>,
  /** Drafts by unit id; parallel section nodes each write their own units. */
  drafts: Annotation<Record<string, SectionDraft>>({ reducer: mergeRecords, default: () => ({}) }),
  usage: Annotation<Usage>({ reducer: addUsage, default: () => NO_USAGE }),
  /** The last check's findings per unit, sent back for repair (only the check writes it). */
  repairs: Annotation<Record<string, string[]>>,
  /** How many times the check has run in this run; a revision starts it again at 0. */
  checks: Annotation<number>,
  /** Input of a revision run: which section to re-draft, with what feedback. */
  revision: Annotation<Revision | undefined>,
  /** For each unit, the number of the revision that last re-drafted it. */
  revised: Annotation<Record<string, number>>({ reducer: mergeRecords, default: () => ({}) }),
  /**
   * For each unit a revision re-drafted, its markdown just before: what a cascade's dependents
   * are shown changed. Read only for the units of the current revision.
   */
  replaced: Annotation<Record<string, string>>({ reducer: mergeRecords, default: () => ({}) }),
  /**
   * For each unit a revision re-drafted, its draft and revision number just before: what a
   * revision dropped at its review gate puts back.
   */
  unrevised: Annotation<Record<string, Unrevised>>({ reducer: mergeRecords, default: () => ({}) }),
  /** What the last check found and nobody repaired. */
  findings: Annotation<DraftFinding[]>,
  markdown: Annotation<string>,
  /** Set only in a `Send` payload: the unit one fan-out or repair call works on. */
  unitId: Annotation<string | undefined>,
});

/** A check finding: the plan checker's, or the graph's own repository check. */
export interface DraftFinding {
  line: number;
  code: string;
  message: string;
  sectionId: string | undefined;
}

/**
 * A revision moves the thread forward (never a fork of an old checkpoint): the target unit is
 * re-drafted with the feedback, then, with `cascade`, every unit that depends on it, in waves.
 */
export interface Revision {
  number: number;
  target: string;
  feedback: string;
  cascade: boolean;
  /** Every unit this revision re-drafts, the target first. */
  units: string[];
  /** Stop for a person to approve the re-drafted target before its dependents are re-drafted. */
  review?: boolean | undefined;
  /** The person kept the re-drafted target: the cascade goes on. */
  approved?: boolean | undefined;
  /** The person dropped the revision at its gate: the units are as they were before it. */
  dropped?: boolean | undefined;
}

/** A unit as it was before a revision re-drafted it. */
export interface Unrevised {
  draft: SectionDraft;
  revision: number | undefined;
}

export type DraftStateType = typeof DraftState.State;
export type DraftUpdate = Partial<DraftStateType>;

/**
 * What a node reports while it works, on LangGraph's "custom" stream: a section's events are
 * the stream contract's own (src/events/contract.ts), as clients get them; the rest is the run's
 * own telemetry, which the CLI and the server's log tell and clients are not sent.
 */
export type ProgressEvent =
  | SectionEvent
  /**
   * A model request failed and is tried again after `waitMs` (the unit's, or the brief's when
   * `unit` is absent); a unit's text starts again with its next `section.started`.
   */
  | ({ type: "model.retry"; unit: string | undefined } & ModelRetry)
  | {
      type: "step";
      step: "ingest" | "analyze" | "check" | "assemble";
      state: "started" | "completed";
    };
