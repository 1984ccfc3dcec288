import { randomUUID } from "node:crypto";
import type { Deps } from "../deps.js";
import type { FeatureDoc } from "../drafters/types.js";
import { AppError, describeError, isAppError } from "../errors.js";
import { isConnectionError } from "../store/database.js";
import type { DraftRecord } from "../store/draft-store.js";
import type { DraftStateType, Revision } from "../../graphs/plan-drafter/state.js";
import { dependentsOf } from "../template/layout.js";
import { parseTemplate } from "../template/parse.js";
import { findSection } from "./find-section.js";
import {
  graphFor,
  outlineOf,
  resultOf,
  streamDraft,
  type DraftEvent,
  type DraftResult,
  type GraphInput,
} from "./run-draft.js";

export interface NewDraftRequest {
  feature: FeatureDoc;
  featureSource: string;
  /** The template's markdown; kept with the draft, so a resume or a revision uses the same. */
  templateSource: string;
  model?: string | undefined;
  date?: string | undefined;
}

type OnEvent = (event: DraftEvent) => void;

/**
 * Drafts as durable threads: each draft is recorded, claimed by the process that runs it (a
 * lease it renews), checkpointed as it goes, and kept as a version when it completes.
 */
export function createDraftService(deps: Deps) {
  /**
   * Records a new draft and starts it: resolves once the draft is saved (with its id), while
   * `done` settles when the drafting ends. A server answers with the id at once.
   */
  const begin = async (
    request: NewDraftRequest,
    onEvent: OnEvent = () => {},
  ): Promise<{ id: string; done: Promise<DraftResult> }> => {
    const template = parseTemplate(request.templateSource);
    const id = randomUUID();
    // Built before the draft is recorded: a template or model that cannot work leaves no record.
    const thread = graphFor(deps, template, request.model);
    const model = thread.model;
    const draft = {
      id,
      title: request.feature.name,
      model,
      template: request.templateSource,
      featureText: request.feature.text,
      featureSource: request.featureSource,
    };
    await deps.drafts.create(draft, deps.owner, deps.config.leaseMs);
    const input: GraphInput = {
      featureText: request.feature.text,
      featureSource: request.featureSource,
      ...(request.date ? { date: request.date } : {}),
    };
    return {
      id,
      done: run(deps, { id, title: draft.title, model }, thread, input, false, onEvent),
    };
  };

  return {
    start: async (request: NewDraftRequest, onEvent: OnEvent = () => {}): Promise<DraftResult> =>
      (await begin(request, onEvent)).done,

    begin,

    /**
     * Re-drafts one section with feedback (with `cascade`, also the sections that depend on it)
     * as the draft's next version, by moving its thread forward.
     */
    async revise(
      idOrPrefix: string,
      change: RevisionRequest,
      onEvent: OnEvent = () => {},
    ): Promise<DraftResult> {
      const record = await findDraft(deps, idOrPrefix);
      const template = parseTemplate(record.template);
      const thread = graphFor(deps, template, record.model);
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
      };
      await claim(deps, record);
      const input = { revision, checks: 0, repairs: {} };
      const revised = {
        section: unit.id,
        feedback: change.feedback,
        cascade: change.cascade,
        sections: revision.units,
      };
      const draft = { id: record.id, title: record.title, model: record.model };
      return run(deps, draft, thread, input, false, onEvent, revised);
    },

    /** Continues a draft from its last checkpoint: finished sections are not drafted again. */
    async resume(idOrPrefix: string, onEvent: OnEvent = () => {}): Promise<DraftResult> {
      const record = await findDraft(deps, idOrPrefix);
      const template = parseTemplate(record.template);
      const thread = graphFor(deps, template, record.model);
      const state = await thread.graph.getState({ configurable: { thread_id: record.id } });
      const hasStarted = Object.keys((state.values ?? {}) as object).length > 0;
      if (hasStarted && state.next.length === 0) {
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
      await claim(deps, record);
      const input: GraphInput | null = hasStarted
        ? null
        : { featureText: record.featureText, featureSource: record.featureSource };
      const draft = { id: record.id, title: record.title, model: record.model };
      return run(deps, draft, thread, input, hasStarted, onEvent);
    },
  };
}

export type DraftService = ReturnType<typeof createDraftService>;

export interface RevisionRequest {
  /** A section id, title, node name or repository. */
  section: string;
  feedback: string;
  cascade: boolean;
}

/** A draft by its id or a unique prefix of it (as `plandraft list` shows them). */
export async function findDraft(deps: Deps, idOrPrefix: string): Promise<DraftRecord> {
  const id = idOrPrefix.trim().toLowerCase();
  const record = /^[0-9a-f-]{36}$/.test(id)
    ? await deps.drafts.get(id)
    : await deps.drafts.byPrefix(id);
  if (!record) {
    throw new AppError("DRAFT_NOT_FOUND", `no draft ${idOrPrefix}`, {
      hint: "list the drafts with `plandraft list`",
    });
  }
  return record;
}

/** Deletes a draft with its versions and checkpoints; a draft some process is running is refused. */
export async function removeDraft(deps: Deps, idOrPrefix: string): Promise<DraftRecord> {
  const draft = await findDraft(deps, idOrPrefix);
  if (draft.status === "running") {
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

async function claim(deps: Deps, record: DraftRecord): Promise<void> {
  const claimed = await deps.drafts.claim(record.id, deps.owner, deps.config.leaseMs);
  if (claimed === "busy") {
    throw new AppError(
      "DRAFT_BUSY",
      `draft ${record.id} is being drafted by another process (${record.owner ?? "unknown"})`,
      {
        hint: "wait for it to finish; a process that died releases the draft when its lease runs out",
      },
    );
  }
  if (claimed === "missing") throw new AppError("DRAFT_NOT_FOUND", `no draft ${record.id}`);
}

async function run(
  deps: Deps,
  draft: { id: string; title: string; model: string },
  { graph, layout }: ReturnType<typeof graphFor>,
  input: GraphInput | null,
  resumed: boolean,
  onEvent: OnEvent,
  revision: object | null = null,
): Promise<DraftResult> {
  const heartbeat = keepLease(deps, draft.id);
  try {
    const outline = outlineOf(layout);
    onEvent({
      type: "draft.started",
      id: draft.id,
      title: draft.title,
      sections: outline,
      resumed,
    });
    const state = await streamDraft(deps, graph, draft.id, input, onEvent);
    const result = resultOf(draft, outline, state);
    if (result.status === "completed") {
      result.version = await deps.drafts.addVersion(draft.id, {
        markdown: result.markdown,
        sections: result.sections,
        revision,
      });
    }
    const error =
      result.status === "failed"
        ? { code: "SECTIONS_FAILED", message: failedSections(result) }
        : undefined;
    await deps.drafts.finish(draft.id, deps.owner, {
      status: result.status,
      error,
      usage: result.usage,
    });
    return result;
  } catch (error) {
    throw await failRun(deps, draft.id, error);
  } finally {
    clearInterval(heartbeat);
  }
}

/** The database went away: say so, and how to finish; anything else fails the run with its reason. */
async function failRun(deps: Deps, id: string, error: unknown): Promise<unknown> {
  if (isConnectionError(error)) {
    return new AppError(
      "DATABASE_LOST",
      `lost the connection to ${deps.db.where} while drafting ${id}: ${describeError(error)}`,
      {
        hint: `what was saved is kept; run \`plandraft resume ${id}\` once the database is back`,
        cause: error,
      },
    );
  }
  const code = isAppError(error) ? error.code : "INTERNAL";
  await deps.drafts.finish(id, deps.owner, {
    status: "failed",
    error: { code, message: describeError(error) },
  });
  return error;
}

function keepLease(deps: Deps, id: string): NodeJS.Timeout {
  const timer = setInterval(
    () => {
      // A failed renewal is not fatal here: the next checkpoint write reports a lost database.
      deps.drafts.renew(id, deps.owner, deps.config.leaseMs).catch(() => undefined);
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
