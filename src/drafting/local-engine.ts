import type { Config } from "../config.js";
import { createDeps, type Deps, type DepsOverrides } from "../deps.js";
import type { Store } from "../store/store.js";
import { parseModelName } from "../models/chat-model.js";
import type { DraftRecord } from "../store/draft-store.js";
import { buildLayout, templateRepos } from "../../graphs/plan-drafter/topology.js";
import { chooseTemplate } from "../template/offered.js";
import { loadWorkspace, type WorkspaceOptions } from "../workspace/load.js";
import { streamEventOf } from "./draft-events.js";
import { createDraftService, removeDraft, type Watch } from "./draft-service.js";
import { findDraft } from "./find-draft.js";
import { cancelDraft, leaseStop } from "./cancel-draft.js";
import { createControl } from "./queue/control.js";
import { AppError } from "../errors.js";
import type { Drafts, RunEvent, RunWatch } from "./drafts.js";
import { checkNewDraft } from "./limits.js";
import { watchDraft } from "./watch-draft.js";

/** What of `Drafts` drafts, or reads what only drafting knows (a gate, a run's events). */
export type LocalEngine = Omit<Drafts, "get" | "list" | "templates" | "close">;

/**
 * The drafting half of the local `Drafts`: the graph, the model clients and the checkpointer
 * over a store already open. Loaded by the first call that drafts (`local-drafts.ts`).
 */
export function createLocalEngine(
  config: Config,
  overrides: DepsOverrides,
  store: () => Promise<Store>,
): LocalEngine {
  let opened: Promise<Deps> | undefined;
  // A draft's own model is the deps' default model too, as when the CLI named it in the config.
  const open = (model = config.model) =>
    (opened ??= store().then((s) => createDeps({ ...config, model }, overrides, s)));

  return {
    async submit(draft, watch) {
      const model = draft.model ?? config.model;
      parseModelName(model);
      const { template, source: templateSource } = await chooseTemplate(config.templatesDir, draft);
      const layout = buildLayout(template);
      checkNewDraft(layout, config);
      const workspace = await loadWorkspace(draft.workspace, {
        cwd: process.cwd(),
        templateRepos: templateRepos(layout),
      });
      const feature = await draft.readFeature();
      const service = createDraftService(await open(model));
      return service.begin(
        {
          feature,
          featureSource: draft.featurePath === "-" ? "stdin" : draft.featurePath,
          templateSource,
          model,
          workspace,
          review: draft.review,
        },
        watching(watch),
      );
    },

    async review(idOrPrefix, answer, given, watch) {
      const workspace = await continuedWorkspace(given);
      const deps = await open();
      const review = await createDraftService(deps).prepareReview(idOrPrefix, answer);
      await review.take();
      return { id: review.id, done: review.run(watching(watch), { workspace }) };
    },

    async gate(idOrPrefix) {
      return createDraftService(await open()).gate(idOrPrefix);
    },

    async resume(idOrPrefix, given, watch) {
      const workspace = await continuedWorkspace(given);
      const deps = await open();
      const { id } = await findDraft(deps, idOrPrefix);
      const done = createDraftService(deps).resume(id, watching(watch), { workspace });
      return { id, done };
    },

    async revise(idOrPrefix, change, given, watch) {
      const workspace = await continuedWorkspace(given);
      const service = createDraftService(await open());
      const revision = await service.prepareRevision(idOrPrefix, change, { workspace });
      return { id: revision.id, done: revision.run(watching(watch)) };
    },

    async events(idOrPrefix, watch) {
      return watchDraft(await open(), idOrPrefix, watch);
    },

    async cancel(idOrPrefix) {
      const deps = await open();
      const draft = await findDraft(deps, idOrPrefix);
      // A queue worker hears of it at once; a CLI process on this database at its heartbeat.
      const tell = (id: string) => createControl(deps.db.pool, deps.db.schema).cancel(id);
      if (!(await cancelDraft(deps, draft.id, tell))) throw notRunning(draft);
      return draft.id;
    },

    async remove(idOrPrefix) {
      return (await removeDraft(await open(), idOrPrefix)).id;
    },
  };
}

/**
 * The workspace a resume or revision reads. The draft's template is not known yet: the names are
 * checked against it when it is read, and its sections are grounded only while the checkouts are
 * at the commits the draft was grounded in.
 */
async function continuedWorkspace(given: WorkspaceOptions) {
  return await loadWorkspace(given, { cwd: process.cwd() });
}

/** A draft there is nothing to cancel of, saying why. */
function notRunning(draft: DraftRecord): AppError {
  return new AppError(
    "DRAFT_NOT_RUNNING",
    `draft ${draft.id} is ${draft.status}: nothing to cancel`,
    {
      hint:
        draft.status === "interrupted"
          ? `nothing runs it now: finish it with \`plandraft resume ${draft.id}\`, or remove it`
          : "list the drafts with `plandraft list`",
    },
  );
}

/**
 * A run's events as a watcher of any `Drafts` sees them: the stream's, plus steps and retries.
 * A cancel asked for elsewhere (another shell, the API) stops the run at its next heartbeat.
 */
function watching(watch: RunWatch): Watch {
  const stop = new AbortController();
  return {
    signal: stop.signal,
    onLease: (state) => stop.abort(leaseStop(state)),
    onEvent: (event) => {
      const streamed = streamEventOf(event);
      // The tuple and the union describe the same events; TypeScript cannot pair them up.
      const seen: RunEvent | undefined = streamed
        ? ({ type: streamed[0], data: streamed[1] } as RunEvent)
        : event.type === "step" || event.type === "model.retry"
          ? event
          : undefined;
      if (seen) watch.onEvent(seen);
    },
  };
}
