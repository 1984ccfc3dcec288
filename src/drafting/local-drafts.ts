import type { Config } from "../config.js";
import type { DepsOverrides } from "../deps.js";
import { draftSummary } from "../store/draft-store.js";
import { openStore, type Store } from "../store/store.js";
import type { Drafts } from "./drafts.js";
import { findDraft, listDrafts } from "./find-draft.js";
import type { LocalEngine } from "./local-engine.js";

/**
 * Drafts kept in this process's store (Postgres, or the embedded one) and run here. The store is
 * opened by the first call that needs it (Postgres for a new draft as its input is checked) and
 * closed by `close`.
 * Reading what is kept (`list`, `get`) needs the store alone; the drafting engine (the graph,
 * LangChain, the checkpointer) is loaded by the first call that drafts, so `plandraft list`
 * answers without it.
 */
export function createLocalDrafts(config: Config, overrides: DepsOverrides = {}): Drafts {
  let opened: Promise<Store> | undefined;
  const store = () => (opened ??= openStore(config, overrides.owner));
  let loaded: Promise<LocalEngine> | undefined;
  const engine = () =>
    (loaded ??= import("./local-engine.js").then((m) =>
      m.createLocalEngine(config, overrides, store),
    ));

  return {
    async submit(draft, watch) {
      // Postgres is dialled while the engine loads and checks the input: waiting on the network
      // while modules compile brings the first model call about 50-100 ms sooner (bench/README).
      // A store that cannot open says so to the engine's first use of it; bad input is told
      // first. The embedded store's start is work on this thread, which would only delay a bad
      // input's error: it opens after the checks.
      if (config.databaseUrl) store().catch(() => undefined);
      return (await engine()).submit(draft, watch);
    },
    review: async (id, answer, given, watch) => (await engine()).review(id, answer, given, watch),
    gate: async (id) => (await engine()).gate(id),
    resume: async (id, given, watch) => (await engine()).resume(id, given, watch),
    revise: async (id, change, given, watch) => (await engine()).revise(id, change, given, watch),
    events: async (id, watch) => (await engine()).events(id, watch),
    cancel: async (id) => (await engine()).cancel(id),
    remove: async (id) => (await engine()).remove(id),

    async get(idOrPrefix, version) {
      const kept = await store();
      const draft = await findDraft(kept, idOrPrefix);
      return { draft: draftSummary(draft), plan: await kept.drafts.version(draft.id, version) };
    },

    async list(limit) {
      return (await listDrafts(await store(), limit)).map(draftSummary);
    },

    async templates() {
      const { loadOfferedTemplates } = await import("../template/offered.js");
      const offered = await loadOfferedTemplates(config.templatesDir);
      return offered.list.map(({ id, title }) => ({ id, title }));
    },

    async close() {
      const held = opened;
      opened = undefined;
      // The engine drafts over the store it was given: a call after this one (the review asked
      // in a terminal lets go of the store while the person thinks) builds one on the store
      // opened again, not on this closed one.
      loaded = undefined;
      // A store that failed to open has told its error already, to the call that opened it.
      await (await held?.catch(() => undefined))?.close();
    },
  };
}
