// A run that stalled past its lease while another process took its draft over (a paused VM, a
// long GC, a partition) must not go on writing the draft's checkpoints beside the new run: the
// database refuses its next write, before its heartbeat would have noticed.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { asOwner, createDeps, type Deps } from "../../src/deps.js";
import { createDraftService } from "../../src/drafting/draft-service.js";
import { toFeatureDoc } from "../../src/feature/feature-doc.js";
import { waitFor } from "../support/cli-process.js";
import { DEFAULT_TEMPLATE_SOURCE, fixturePath, scriptedConfig } from "../support/drafting.js";
import { startScriptedLlm } from "../support/scripted-llm.js";
import { createTestStore, testDatabaseUrl } from "../support/store.js";

const SOURCE = fixturePath("watchlist-feature.md");
/** Far longer than the test: the stalled run's heartbeat never sees the takeover. */
const LEASE_MS = "600000";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

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

const STORES = [
  ["postgres", !testDatabaseUrl()],
  ["embedded", false],
] as const;

describe.each(STORES)("a run whose draft another process took over (%s store)", (kind, skip) => {
  it.skipIf(skip)(
    "stops at its next checkpoint write, writing and ending nothing, and the new holder finishes the draft",
    async () => {
      let answer!: () => void;
      const llm = await startScriptedLlm({ hold: new Promise<void>((go) => (answer = go)) });
      const store = createTestStore(kind);
      cleanups.push(
        () => llm.close(),
        () => store.drop(),
      );
      const config = scriptedConfig(llm.baseURL, { ...store.env, PLANDRAFT_LEASE_MS: LEASE_MS });
      const stalled = await createDeps(config, { owner: "worker:stalled" });
      cleanups.push(() => stalled.close());

      const { id, done } = await createDraftService(stalled).begin({
        feature: toFeatureDoc(readFileSync(SOURCE), SOURCE, config.maxFeatureBytes),
        featureSource: SOURCE,
        templateSource: DEFAULT_TEMPLATE_SOURCE,
      });
      const ended = done.then(
        (result) => result.status,
        (error: unknown) => error,
      );
      await waitFor(() => llm.requests.length > 0, 30_000, "the brief's call");
      const before = await checkpointRows(stalled, id);
      // What another worker's claim does (draft-store's `claim`): the draft is its own now.
      await stalled.db.pool.query(
        "UPDATE drafts SET owner = 'worker:successor', lease_until = now() + interval '10 minutes' WHERE id = $1",
        [id],
      );
      answer();

      expect(await ended).toMatchObject({ code: "DRAFT_TAKEN_OVER" });
      expect(llm.requests.map((r) => r.toolName)).toEqual(["brief"]);
      expect(await checkpointRows(stalled, id)).toBe(before);
      expect(await stalled.drafts.get(id)).toMatchObject({
        status: "running",
        owner: "worker:successor",
      });
      const { rows } = await stalled.db.pool.query<{ type: string }>(
        "SELECT type FROM draft_events WHERE draft_id = $1 ORDER BY seq",
        [id],
      );
      expect(rows.map((r) => r.type)).toEqual(["draft.started"]);

      // The successor's writes are its own: it drafts on from the last checkpoint to the end.
      const successor = asOwner(stalled, "worker:successor");
      const result = await createDraftService(successor).resume(id);
      expect(result.status).toBe("completed");
      expect(await stalled.drafts.get(id)).toMatchObject({ status: "completed", owner: null });
    },
    60_000,
  );
});
