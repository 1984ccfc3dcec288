import { hasEnded } from "../store/draft-store.js";
import { randomUUID } from "node:crypto";
import type { Deps } from "../deps.js";
import type { FeatureDoc } from "../feature/feature-doc.js";
import { AppError, describeError, isAppError } from "../errors.js";
import { isConnectionError } from "../store/database.js";
import { isTakenOver } from "../store/checkpointer.js";
import type { DraftRecord, Queryable } from "../store/draft-store.js";
import type { DraftStateType, Revision } from "../../graphs/plan-drafter/state.js";
import { dependentsOf } from "../../graphs/plan-drafter/topology.js";
import type { Template } from "../template/types.js";
import type { Workspace, WorkspaceMaterial } from "../workspace/types.js";
import { leaseStop } from "./cancel-draft.js";
import { claimDraft } from "./claim-draft.js";
import { findDraft } from "./find-draft.js";
import { findSection } from "./find-section.js";
import { readForRun, readToContinue } from "./workspace-runs.js";
import { checkNewDraft, checkPlannedCalls, plannedCalls } from "./limits.js";
import { endEventOf, streamEventOf } from "./draft-events.js";
import type { RunEvents } from "../events/event-hub.js";
import { answerProblems, type ReviewRequest } from "../drafters/review.js";
import type { ReviewAnswer } from "../events/contract.js";
import { Command } from "@langchain/langgraph";
import type { DraftGraph } from "../../graphs/plan-drafter/template-catalog.js";
import {
  gateOf,
  outlineOf,
  resultOf,
  streamDraft,
  type DraftEvent,
  type DraftResult,
  type GraphInput,
  summaryOf,
  type RevisionSummary,
} from "./run-draft.js";

export interface NewDraftRequest {
  feature: FeatureDoc;
  featureSource: string;
  /** The template's markdown; kept with the draft, so a resume or a revision uses the same. */
  templateSource: string;
  model?: string | undefined;
  date?: string | undefined;
  /** The repositories and context docs to ground the draft in; else the deps' (a server's). */
  workspace?: Workspace | undefined;
  /** Stop after analyze for a person to review the brief and answer its questions. */
  review?: boolean | undefined;
}

/** The workspace a CLI command names for a resume or a revision; absent: the deps' (a server's). */
interface GivenWorkspace {
  workspace?: Workspace | undefined;
}

/** Who watches a run: progress as it happens, and a signal that stops it (cancel, shutdown). */
export interface Watch {
  onEvent?: ((event: DraftEvent) => void) | undefined;
  signal?: AbortSignal | undefined;
  /**
   * What the run's heartbeat found: a cancel asked for elsewhere, or the draft taken over by
   * another process. Whoever holds the signal's controller decides what to do.
   */
  onLease?: ((state: "cancel" | "lost") => void) | undefined;
  /**
   * Takes the draft over whoever holds its lease: a queue worker, which holds the draft's only
   * job, knows the lease's holder is gone.
   */
  takeOver?: boolean | undefined;
}

/**
 * A run's watch, and the workspace it reads: a new draft's, or (`readToContinue`) a resumed or
 * revised one's while its checkouts are at the commits it was grounded in.
 */
type RunWatch = Watch & { workspace?: WorkspaceMaterial | undefined };

/**
 * Drafts as durable threads: each draft is recorded, claimed by the process that runs it (a
 * lease it renews), checkpointed as it goes, and kept as a version when it completes.
 */
export function createDraftService(deps: Deps) {
  const { templates } = deps;
  const graphOf = (template: Template, model: string | undefined) =>
    templates.graphFor(template, { model, checkpointer: deps.checkpointer });

  /**
   * Records a draft; a template or model that cannot work, or a draft that would cost more than
   * the limits allow, is refused before anything is saved.
   */
  const record = async (
    request: NewDraftRequest,
    status: "running" | "queued",
    id: string = randomUUID(),
  ) => {
    const { draft, thread } = prepare(request, id);
    await deps.drafts.create(draft, deps.owner, deps.config.leaseMs, status);
    return { id, thread, draft };
  };

  /** The draft's record, once its template, model and cost are known to work; nothing saved. */
  const prepare = (request: NewDraftRequest, id: string = randomUUID()) => {
    const template = templates.templateOf(request.templateSource);
    checkNewDraft(templates.layoutOf(template), deps.config);
    const thread = graphOf(template, request.model);
    const draft = {
      id,
      title: request.feature.name,
      model: thread.model,
      template: request.templateSource,
      featureText: request.feature.text,
      featureSource: request.featureSource,
      reviewFirst: request.review === true,
    };
    return { draft, thread };
  };

  /**
   * Records a new draft and starts it: resolves once the draft is saved (with its id), while
   * `done` settles when the drafting ends. A server answers with the id at once.
   */
  const begin = async (
    request: NewDraftRequest,
    watch: Watch = {},
  ): Promise<{ id: string; done: Promise<DraftResult> }> => {
    const layout = templates.layoutOf(templates.templateOf(request.templateSource));
    const read = await readForRun(deps, layout, request.workspace ?? deps.workspace);
    const { id, thread, draft } = await record(request, "running");
    const model = thread.model;
    const input: GraphInput = {
      featureText: request.feature.text,
      featureSource: request.featureSource,
      ...(request.date ? { date: request.date } : {}),
      ...(read ? { grounding: read.grounding } : {}),
      ...(request.review ? { reviewFirst: true } : {}),
    };
    return {
      id,
      done: run(deps, { id, title: draft.title, model }, thread, input, false, {
        ...watch,
        workspace: read?.material,
      }),
    };
  };

  /**
   * Checks a revision (the draft has finished, the section exists) and returns the run that
   * re-drafts one section with feedback (with `cascade`, also the sections that depend on it) as
   * the draft's next version, by moving its thread forward.
   */
  const prepareRevision = async (
    idOrPrefix: string,
    change: RevisionRequest,
    given: GivenWorkspace = {},
  ) => {
    const record = await findDraft(deps, idOrPrefix);
    const template = templates.templateOf(record.template);
    const thread = graphOf(template, record.model);
    const { graph, layout } = thread;
    const unit = findSection(layout, change.section);
    const state = await graph.getState({ configurable: { thread_id: record.id } });
    const values = (state.values ?? {}) as Partial<DraftStateType>;
    if (state.next.length > 0 || !values.brief) {
      throw new AppError(
        "DRAFT_NOT_FINISHED",
        `draft ${record.id} is ${record.status}: it can be revised once it has finished`,
        {
          hint:
            record.status === "interrupted"
              ? `finish it first with \`plandraft resume ${record.id}\``
              : record.status === "awaiting_review"
                ? `answer its review first with \`plandraft review ${record.id}\``
                : "wait for it to finish",
        },
      );
    }
    const cascade = change.cascade
      ? layout.units.filter((u) => dependentsOf(layout, unit.node).includes(u.node))
      : [];
    const revision: Revision = {
      number: (values.revision?.number ?? 0) + 1,
      target: unit.id,
      feedback: change.feedback,
      cascade: change.cascade,
      units: [unit.id, ...cascade.map((u) => u.id)],
      ...(change.review ? { review: true } : {}),
    };
    checkPlannedCalls(revision.units.length, deps.config, "this revision");
    const revised = summaryOf(revision);
    const draft = { id: record.id, title: record.title, model: record.model };
    return {
      id: record.id,
      run: async (watch: Watch = {}): Promise<DraftResult> => {
        await claimDraft(deps, record, watch.takeOver);
        const input = { revision, checks: 0, repairs: {} };
        const workspace = await readToContinue(deps, layout, values.grounding, given.workspace);
        return run(deps, draft, thread, input, false, { ...watch, workspace }, revised);
      },
    };
  };

  /**
   * Checks an answer to a draft's review gate (the draft waits there; the answer fits its
   * questions, else REVIEW_ANSWER_INVALID naming each field) and returns what goes on with it:
   * `take` moves the draft from the gate into line for `owner` (null: the cluster's queue), one
   * atomic update, so of two answers at once the second is refused; `run` then drafts on.
   */
  const prepareReview = async (idOrPrefix: string, answer: ReviewAnswer) => {
    const { record, gate } = await waitingAt(idOrPrefix);
    const problems = answerProblems(gate, answer);
    if (problems.length > 0) {
      throw new AppError("REVIEW_ANSWER_INVALID", problems.join("; "), {
        hint: "answer the questions the gate asked, by their ids, and name the template's repositories",
      });
    }
    return {
      id: record.id,
      gate,
      take: async (owner: string | null = deps.owner, client?: Queryable): Promise<void> => {
        if (!(await deps.drafts.takeFromGate(record.id, owner, client))) {
          throw notAwaitingReview((await deps.drafts.get(record.id)) ?? record);
        }
      },
      run: (watch: Watch = {}, given: GivenWorkspace = {}) =>
        continueReview(record.id, answer, watch, given),
    };
  };

  /** A draft waiting at its gate, and what the gate asks; refused when it is not waiting. */
  const waitingAt = async (idOrPrefix: string) => {
    const record = await findDraft(deps, idOrPrefix);
    const thread = graphOf(templates.templateOf(record.template), record.model);
    const state = await thread.graph.getState({ configurable: { thread_id: record.id } });
    const gate = gateOf(state.tasks);
    if (record.status !== "awaiting_review" || !gate) throw notAwaitingReview(record);
    return { record, gate };
  };

  /**
   * Drafts on from the gate with the answer, once the draft was taken from it: claimed as a
   * resume claims it. Should the process that took it have died before the graph read the
   * answer, whoever runs it next passes the answer again (a queue job carries it); past the
   * gate, it is a resume from the last checkpoint.
   */
  const continueReview = async (
    id: string,
    answer: ReviewAnswer,
    watch: Watch = {},
    given: GivenWorkspace = {},
  ): Promise<DraftResult> => {
    const record = await findDraft(deps, id);
    const thread = graphOf(templates.templateOf(record.template), record.model);
    await claimDraft(deps, record, watch.takeOver);
    const state = await thread.graph.getState({ configurable: { thread_id: record.id } });
    const values = (state.values ?? {}) as Partial<DraftStateType>;
    const workspace = await readToContinue(deps, thread.layout, values.grounding, given.workspace);
    const input = gateOf(state.tasks) ? new Command({ resume: answer }) : null;
    const draft = { id: record.id, title: record.title, model: record.model };
    return run(deps, draft, thread, input, true, { ...watch, workspace }, inFlight(state));
  };

  return {
    prepareReview,
    continueReview,

    /** Goes on with a draft waiting at its review gate, with a person's answer, in this process. */
    async review(
      idOrPrefix: string,
      answer: ReviewAnswer,
      watch: Watch = {},
      given: GivenWorkspace = {},
    ): Promise<DraftResult> {
      const review = await prepareReview(idOrPrefix, answer);
      await review.take();
      return review.run(watch, given);
    },

    /** What a draft waiting at its review gate asks; refused when it is not waiting there. */
    async gate(idOrPrefix: string): Promise<{ id: string; gate: ReviewRequest }> {
      const { record, gate } = await waitingAt(idOrPrefix);
      return { id: record.id, gate };
    },

    start: async (request: NewDraftRequest, watch: Watch = {}): Promise<DraftResult> =>
      (await begin(request, watch)).done,

    begin,

    /** Checks a new draft (template, model, cost) and gives its record, saving nothing. */
    prepare: (request: NewDraftRequest, id?: string) => prepare(request, id).draft,

    /** Records a draft that waits for its turn (under the id given); `resume` starts it. */
    enqueue: async (request: NewDraftRequest, id?: string): Promise<string> =>
      (await record(request, "queued", id)).id,

    /**
     * Re-drafts one section with feedback (with `cascade`, also the sections that depend on it)
     * as the draft's next version, by moving its thread forward.
     */
    async revise(
      idOrPrefix: string,
      change: RevisionRequest,
      watch: Watch = {},
      given: GivenWorkspace = {},
    ) {
      return (await prepareRevision(idOrPrefix, change, given)).run(watch);
    },

    prepareRevision,

    /** Ends a draft that was still waiting for its turn, as cancelled. */
    async cancelQueued(id: string): Promise<void> {
      await deps.drafts.finish(id, deps.owner, {
        status: "cancelled",
        error: { code: "DRAFT_CANCELLED", message: "the draft was cancelled before it started" },
      });
      const events = await deps.events.open(id);
      events.emit("draft.failed", {
        code: "DRAFT_CANCELLED",
        message: "the draft was cancelled before it started",
      });
      await events.close();
    },

    /** Continues a draft from its last checkpoint: finished sections are not drafted again. */
    async resume(
      idOrPrefix: string,
      watch: Watch = {},
      given: GivenWorkspace = {},
    ): Promise<DraftResult> {
      const record = await findDraft(deps, idOrPrefix);
      if (record.status === "awaiting_review") throw awaitingReview(record.id);
      const template = templates.templateOf(record.template);
      const thread = graphOf(template, record.model);
      const state = await thread.graph.getState({ configurable: { thread_id: record.id } });
      const hasStarted = Object.keys((state.values ?? {}) as object).length > 0;
      // A graph that finished while its draft did not (its process died between the last
      // checkpoint and saving the outcome) is resumed to save it: the run drafts nothing.
      const ended = hasEnded(record.status);
      if (hasStarted && state.next.length === 0 && ended) {
        throw new AppError(
          "DRAFT_NOT_RESUMABLE",
          `draft ${record.id} is ${record.status}: it has nothing left to draft`,
          {
            hint:
              record.status === "failed"
                ? "re-draft its failed sections with `plandraft revise`"
                : "show it with `plandraft show`",
          },
        );
      }
      // Taken from its gate by an answer for the cluster's queue: that answer's job drafts it on.
      // A resume would pass the gate without the answer and stop there again (seen: the job of
      // the run that reached the gate, its server killed before ending it, taken again after
      // its lease, before the answer's).
      if (record.status === "queued" && record.owner === null && gateOf(state.tasks)) {
        throw answered(record.id);
      }
      const values = (state.values ?? {}) as Partial<DraftStateType>;
      checkPlannedCalls(plannedCalls(thread.layout, values), deps.config, "this resume");
      await claimDraft(deps, record, watch.takeOver);
      const draft = { id: record.id, title: record.title, model: record.model };
      if (hasStarted) {
        const workspace = await readToContinue(
          deps,
          thread.layout,
          values.grounding,
          given.workspace,
        );
        return run(deps, draft, thread, null, true, { ...watch, workspace }, inFlight(state));
      }
      // A draft that waited for its turn starts as a new one would: grounded in the workspace.
      const read = await readForRun(deps, thread.layout, given.workspace ?? deps.workspace);
      const input: GraphInput = {
        featureText: record.featureText,
        featureSource: record.featureSource,
        ...(read ? { grounding: read.grounding } : {}),
        ...(record.reviewFirst ? { reviewFirst: true } : {}),
      };
      return run(deps, draft, thread, input, false, { ...watch, workspace: read?.material });
    },
  };
}

export type DraftService = ReturnType<typeof createDraftService>;

export interface RevisionRequest {
  /** A section id, title, node name or repository. */
  section: string;
  feedback: string;
  cascade: boolean;
  /** Stop for a person to keep the re-drafted section before its dependents are re-drafted. */
  review?: boolean | undefined;
}

/**
 * The revision a thread is in the middle of (stopped at its review, or cut short), which the
 * run that goes on with it finishes and keeps as that revision's version; none otherwise.
 */
function inFlight(state: { next: readonly string[]; values: unknown }): RevisionSummary | null {
  const revision = (state.values as Partial<DraftStateType> | undefined)?.revision;
  return revision && state.next.length > 0 ? summaryOf(revision) : null;
}

/** Deletes a draft with its versions and checkpoints; a draft some process is running is refused. */
export async function removeDraft(deps: Deps, idOrPrefix: string): Promise<DraftRecord> {
  const draft = await findDraft(deps, idOrPrefix);
  if (draft.status === "running" || draft.status === "queued") {
    throw new AppError(
      "DRAFT_BUSY",
      `draft ${draft.id} is being drafted by ${draft.owner ?? "another process"}`,
      {
        hint: "wait for it to finish, then remove it",
      },
    );
  }
  await deps.checkpointer.deleteThread(draft.id);
  await deps.drafts.remove(draft.id);
  return draft;
}

async function run(
  deps: Deps,
  draft: { id: string; title: string; model: string },
  { graph, layout }: DraftGraph,
  input: GraphInput | null,
  resumed: boolean,
  watch: RunWatch,
  revision: RevisionSummary | null = null,
): Promise<DraftResult> {
  const events = await deps.events.open(draft.id, deps.owner);
  const heartbeat = keepLease(deps, draft.id, watch);
  const emit = (event: DraftEvent) => {
    watch.onEvent?.(event);
    const streamed = streamEventOf(event);
    if (streamed) events.emit(...streamed);
  };
  try {
    const outline = outlineOf(layout);
    emit({
      type: "draft.started",
      id: draft.id,
      title: draft.title,
      sections: outline,
      resumed,
      revision: revision ?? undefined,
    });
    const end = await streamDraft(deps, graph, draft.id, input, emit, {
      signal: watch.signal,
      workspace: watch.workspace,
    });
    const result = resultOf(draft, outline, end);
    if (result.review) return await waitForReview(deps, draft.id, result.review, result, events);
    // A revision dropped at its review kept nothing: the plan is still the latest version.
    if (result.status === "completed")
      result.version = result.dropped
        ? (await deps.drafts.version(draft.id))?.version
        : await keepVersion(deps, draft.id, result, revision);
    const error =
      result.status === "failed"
        ? { code: "SECTIONS_FAILED", message: failedSections(result) }
        : undefined;
    const ended = await deps.drafts.finish(draft.id, deps.owner, {
      status: result.status,
      error,
      usage: result.usage,
    });
    // Taken over after its last checkpoint: the process that holds it now tells its end.
    if (!ended) throw leaseStop("lost");
    events.emit(...endEventOf(result, error));
    await events.close();
    return result;
  } catch (error) {
    throw await failRun(deps, draft.id, error, events, watch.signal);
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * How a run that stopped early ends. A lost database: say so and how to finish. A server that
 * is stopping: leave the draft running, so its restart resumes it. A cancel, or any other error:
 * the draft ends with its reason, as its stream's last event.
 */
async function failRun(
  deps: Deps,
  id: string,
  error: unknown,
  events: RunEvents,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  if (isConnectionError(error)) {
    // Saving the last events fails on the same lost connection, which the error below reports.
    await events.close().catch(() => undefined);
    return new AppError(
      "DATABASE_LOST",
      `lost the connection to ${deps.db.where} while drafting ${id}: ${describeError(error)}`,
      {
        hint: `what was saved is kept; run \`plandraft resume ${id}\` once the database is back`,
        cause: error,
      },
    );
  }
  // A checkpoint write the database refused: another process took the draft over meanwhile.
  const reason: unknown = signal?.aborted
    ? signal.reason
    : isTakenOver(error)
      ? leaseStop("lost")
      : error;
  // Stopped to go on elsewhere: a restart or another worker resumes it, and its stream goes on.
  if (isAppError(reason) && HANDED_ON.has(reason.code)) {
    await events.close();
    return reason;
  }
  const code = isAppError(reason) ? reason.code : "INTERNAL";
  const message = describeError(reason);
  await deps.drafts.finish(id, deps.owner, {
    status: code === "DRAFT_CANCELLED" ? "cancelled" : "failed",
    error: { code, message },
  });
  events.emit("draft.failed", { code, message });
  await events.close();
  return reason;
}

/**
 * Keeps a completed plan as the draft's next version, unless the latest already is this plan:
 * the process that drafted it died after keeping it and before ending the draft, and the resume
 * that ends it must not keep it twice.
 */
async function keepVersion(
  deps: Deps,
  id: string,
  result: DraftResult,
  revision: RevisionSummary | null,
): Promise<number> {
  const latest = await deps.drafts.version(id);
  if (latest && latest.markdown === result.markdown && revision === null) return latest.version;
  return deps.drafts.addVersion(id, {
    markdown: result.markdown,
    sections: result.sections,
    revision,
  });
}

/**
 * A run that stopped at the review gate: the draft is nobody's while it waits (for days, maybe),
 * and its stream's last event says what the gate asks.
 */
async function waitForReview(
  deps: Deps,
  id: string,
  review: ReviewRequest,
  result: DraftResult,
  events: RunEvents,
): Promise<DraftResult> {
  const ended = await deps.drafts.finish(id, deps.owner, {
    status: "awaiting_review",
    usage: result.usage,
  });
  if (!ended) throw leaseStop("lost");
  events.emit("review.requested", { ...review, model: result.model, usage: result.usage });
  await events.close();
  return result;
}

function awaitingReview(id: string): AppError {
  return new AppError(
    "DRAFT_NOT_RESUMABLE",
    `draft ${id} is awaiting review: it goes on once its brief is reviewed`,
    { hint: `answer it with \`plandraft review ${id}\`` },
  );
}

function answered(id: string): AppError {
  return new AppError(
    "DRAFT_NOT_RESUMABLE",
    `draft ${id} was answered at its review gate and waits in line to go on with the answer`,
    { hint: `follow it with \`plandraft watch ${id}\`` },
  );
}

function notAwaitingReview(draft: DraftRecord): AppError {
  const answered = draft.status === "running" || draft.status === "queued";
  return new AppError(
    "DRAFT_NOT_AWAITING_REVIEW",
    `draft ${draft.id} is ${draft.status}: it is not waiting at the review gate`,
    {
      hint: answered
        ? "another answer came first; follow the draft with `plandraft watch`"
        : 'only a draft started with --review ("review": true) stops at the gate',
    },
  );
}

/** Why a run stops without ending its draft. */
const HANDED_ON = new Set(["SERVER_STOPPING", "DRAFT_TAKEN_OVER"]);

function keepLease(deps: Deps, id: string, watch: Watch): NodeJS.Timeout {
  const timer = setInterval(
    () => {
      deps.drafts.renew(id, deps.owner, deps.config.leaseMs).then(
        (lease) => {
          if (lease !== "held") watch.onLease?.(lease);
        },
        // A failed renewal is not fatal here: the next checkpoint write reports a lost database.
        () => undefined,
      );
    },
    Math.max(200, Math.floor(deps.config.leaseMs / 3)),
  );
  timer.unref();
  return timer;
}

function failedSections(result: DraftResult): string {
  return result.sections
    .filter((s) => s.status === "failed" || s.status === "missing")
    .map((s) => `${s.title}: ${s.code ?? "NOT_DRAFTED"}: ${s.message ?? "not drafted"}`)
    .join("; ");
}
