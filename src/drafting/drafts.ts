import type { ReviewAnswer, StreamEventBody } from "../events/contract.js";
import type { ReviewRequest } from "../drafters/review.js";
import type { FeatureDoc } from "../feature/feature-doc.js";
import type { draftSummary } from "../store/draft-store.js";
import type { WorkspaceOptions } from "../workspace/load.js";
import type { DraftEvent, DraftResult, SectionResult } from "./run-draft.js";
import type { RevisionRequest } from "./draft-service.js";

/**
 * Drafts wherever they are kept: in this process's store, or on a plandraft server. The CLI's
 * commands are written once over this, so a command cannot say one thing here and another there.
 */
export interface Drafts {
  /** Starts a new draft; resolves once it is recorded. */
  submit(draft: NewDraft, watch: RunWatch): Promise<DraftRun>;
  /** Continues an interrupted draft (here), or follows one a server is still running. */
  resume(idOrPrefix: string, workspace: WorkspaceOptions, watch: RunWatch): Promise<DraftRun>;
  /** Re-drafts one section with feedback, as the draft's next version. */
  revise(
    idOrPrefix: string,
    change: RevisionRequest,
    workspace: WorkspaceOptions,
    watch: RunWatch,
  ): Promise<DraftRun>;
  /**
   * Goes on with a draft waiting at its review gate, with a person's answer (or stops it, when
   * the answer does not approve). Refused when it is not waiting, or the answer does not fit.
   */
  review(
    idOrPrefix: string,
    answer: ReviewAnswer,
    workspace: WorkspaceOptions,
    watch: RunWatch,
  ): Promise<DraftRun>;
  /** What a draft waiting at its review gate asks; refused when it is not waiting there. */
  gate(idOrPrefix: string): Promise<{ id: string; gate: ReviewRequest }>;
  /**
   * Follows a draft wherever it runs: its events so far (each of its runs in turn), then each
   * new one until its run ends; a finished draft's end at once. Runs nothing itself.
   */
  events(idOrPrefix: string, watch: RunWatch): Promise<DraftRun>;
  /**
   * Stops a running or waiting draft, wherever it runs; it ends as cancelled. Resolves with its
   * whole id once it has stopped.
   */
  cancel(idOrPrefix: string): Promise<string>;
  /** Deletes a draft with its versions and checkpoints; resolves with its whole id. */
  remove(idOrPrefix: string): Promise<string>;
  /** A draft and one version of its plan (the latest without `version`); none before the first. */
  get(idOrPrefix: string, version?: number): Promise<ShownDraft>;
  /** Newest first. */
  list(limit: number): Promise<DraftSummary[]>;
  /** The templates a draft can name by id (`--template-id`). */
  templates(): Promise<TemplateChoice[]>;
  /** Lets go of what it holds (a store's database), so the process can exit. */
  close(): Promise<void>;
}

/** What `draft` asks for, as the user gave it: each implementation checks it its own way. */
export interface NewDraft {
  /** The feature doc's file, or "-" for stdin. */
  featurePath: string;
  /**
   * Reads the doc. Called once the template and model are checked, so a mistake in those is
   * told without waiting for stdin first.
   */
  readFeature(): Promise<FeatureDoc>;
  /** A template file; at most one of this and `templateId`. */
  template?: string | undefined;
  templateId?: string | undefined;
  model?: string | undefined;
  /** What to ground it in, as `--repo`, `--context` and `--workspace` name it. */
  workspace: WorkspaceOptions;
  /** Stop after the analysis for a person to review the brief (`--review`). */
  review?: boolean | undefined;
}

/** A run as it goes: its events, from the first (draft.started) to the last. */
export interface RunWatch {
  onEvent: (event: RunEvent) => void;
}

/**
 * A run's stream events (the contract), and for a run in this process also its steps and model
 * retries, which the stream leaves out but a user watching a terminal wants to see.
 */
export type RunEvent = StreamEventBody | Extract<DraftEvent, { type: "step" | "model.retry" }>;

/** A run started: its draft, and its result once it ends. A run that fails as a whole rejects. */
export interface DraftRun {
  id: string;
  done: Promise<RunResult>;
}

/**
 * A run's result. A server's stream does not carry each section's graph node, so `node` is
 * there only for a run in this process.
 */
export type RunResult = Omit<DraftResult, "sections"> & {
  sections: (Omit<SectionResult, "node"> & { node?: string })[];
};

/** A template a draft can name by id. */
export interface TemplateChoice {
  id: string;
  title: string;
}

/** A draft as `list` and `show` print it: the API's summary, without its links. */
export type DraftSummary = ReturnType<typeof draftSummary>;

/** A draft with one version of its plan, as `show` prints it. */
export interface ShownDraft {
  draft: DraftSummary;
  /** A store gives the whole version record, which `show --json` prints as it is. */
  plan: { version: number; markdown: string } | undefined;
}
