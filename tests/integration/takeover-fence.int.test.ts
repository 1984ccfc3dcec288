// A run that stalled past its lease while another process took its draft over (a paused VM, a
// long GC, a partition) must not go on writing the draft's checkpoints beside the new run, nor
// tell the draft's end: the database refuses its next checkpoint write, and its end finds the
// draft another's, before its heartbeat would have noticed either.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config.js";
import { asOwner, createDeps, type Deps } from "../../src/deps.js";
import { createDraftService, type NewDraftRequest } from "../../src/drafting/draft-service.js";
import { toFeatureDoc } from "../../src/feature/feature-doc.js";
import { waitFor } from "../support/cli-process.js";
import { DEFAULT_TEMPLATE_SOURCE, fixturePath, scriptedConfig } from "../support/drafting.js";
import { startScriptedLlm, type ScriptedLlmOptions } from "../support/scripted-llm.js";
import { createTestStore, testDatabaseUrl } from "../support/store.js";

const SOURCE = fixturePath("watchlist-feature.md");
/** Far longer than the test: the stalled run's heartbeat never sees the takeover. */
const LEASE_MS = "600000";
const SUCCESSOR = "worker:successor";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A store, a scripted model, and deps claiming drafts as a worker that is about to stall. */
async function stalledWorker(kind: "postgres" | "embedded", model: ScriptedLlmOptions = {}) {
  const llm = await startScriptedLlm(model);
  const store = createTestStore(kind);
  cleanups.push(
    () => llm.close(),
    () => store.drop(),
  );
  const config = scriptedConfig(llm.baseURL, { ...store.env, PLANDRAFT_LEASE_MS: LEASE_MS });
  const deps = await createDeps(config, { owner: "worker:stalled" });
  cleanups.push(() => deps.close());
  return { llm, config, deps };
}

function request(config: Config): NewDraftRequest {
  return {
    feature: toFeatureDoc(readFileSync(SOURCE), SOURCE, config.maxFeatureBytes),
    featureSource: SOURCE,
    templateSource: DEFAULT_TEMPLATE_SOURCE,
  };
}

/** What another worker's claim does (draft-store's `claim`): the draft is its own now. */
async function takeOver(deps: Deps, id: string): Promise<void> {
  await deps.db.pool.query(
    "UPDATE drafts SET owner = $2, lease_until = now() + interval '10 minutes' WHERE id = $1",
    [id, SUCCESSOR],
  );
}

/** Every checkpoint row of the draft's thread, as text: what a write would change. */
async function checkpointRows(deps: Deps, id: string): Promise<string> {
  const tables = ["checkpoints", "checkpoint_blobs", "checkpoint_writes"];
  const rows = await Promise.all(
    tables.map(async (table) => {
      const { rows } = await deps.db.pool.query<object>(
        `SELECT * FROM ${table} WHERE thread_id = $1 ORDER BY 1, 2, 3, 4`,
        [id],
      );
      return rows;
    }),
  );
  return JSON.stringify(rows);
}

async function eventTypes(deps: Deps, id: string): Promise<string[]> {
  const { rows } = await deps.db.pool.query<{ type: string }>(
    "SELECT type FROM draft_events WHERE draft_id = $1 ORDER BY seq",
    [id],
  );
  return rows.map((r) => r.type);
}

/** The successor drafts on from the last checkpoint to the end, and ends the draft. */
async function successorFinishes(deps: Deps, id: string): Promise<void> {
  const result = await createDraftService(asOwner(deps, SUCCESSOR)).resume(id);
  expect(result.status).toBe("completed");
  expect(await deps.drafts.get(id)).toMatchObject({
    status: "completed",
    owner: null,
    versions: 1,
  });
}

const STORES = [
  ["postgres", !testDatabaseUrl()],
  ["embedded", false],
] as const;

describe.each(STORES)("a run whose draft another process took over (%s store)", (kind, skip) => {
  it.skipIf(skip)(
    "stops at its next checkpoint write, writing and ending nothing",
    async () => {
      let answer!: () => void;
      const hold = new Promise<void>((go) => (answer = go));
      const { llm, config, deps } = await stalledWorker(kind, { hold });

      const { id, done } = await createDraftService(deps).begin(request(config));
      const ended = done.then(
        (result) => result.status,
        (error: unknown) => error,
      );
      await waitFor(() => llm.requests.length > 0, 30_000, "the brief's call");
      const before = await checkpointRows(deps, id);
      await takeOver(deps, id);
      answer();

      expect(await ended).toMatchObject({ code: "DRAFT_TAKEN_OVER" });
      expect(llm.requests.map((r) => r.toolName)).toEqual(["brief"]);
      expect(await checkpointRows(deps, id)).toBe(before);
      expect(await deps.drafts.get(id)).toMatchObject({ status: "running", owner: SUCCESSOR });
      expect(await eventTypes(deps, id)).toEqual(["draft.started"]);
      await successorFinishes(deps, id);
    },
    60_000,
  );

  it.skipIf(skip)(
    "taken over after its last checkpoint, does not tell the draft's end",
    async () => {
      const { config, deps } = await stalledWorker(kind);
      // The takeover lands between the run's last checkpoint and its end: as it keeps the plan.
      const seamed: Deps = {
        ...deps,
        drafts: {
          ...deps.drafts,
          addVersion: async (id, version) => {
            await takeOver(deps, id);
            return deps.drafts.addVersion(id, version);
          },
        },
      };

      const service = createDraftService(seamed);
      await expect(service.start(request(config))).rejects.toMatchObject({
        code: "DRAFT_TAKEN_OVER",
      });
      const [draft] = await deps.drafts.list(1);
      expect(draft).toMatchObject({ status: "running", owner: SUCCESSOR });
      const told = await eventTypes(deps, draft!.id);
      expect(told).not.toContain("draft.completed");
      expect(told).not.toContain("draft.failed");
      await successorFinishes(deps, draft!.id);
    },
    60_000,
  );
});
