// An upstream that repeats the API key it was sent, as some providers' 401 answers do: the key
// must reach none of the places an error goes (finding 5 of issue 10).
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createDeps, type Deps } from "../../src/deps.js";
import { runCli } from "../support/cli.js";
import { fixturePath } from "../support/drafting.js";
import { startScriptedLlm, type ScriptedReply } from "../support/scripted-llm.js";
import { watchEvents } from "../support/sse.js";
import { createTestStore } from "../support/store.js";
import { startTestServer } from "../support/test-server.js";
import { readFileSync } from "node:fs";

const KEY = `sk-proj-${randomBytes(18).toString("hex")}`;
const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");

/** The key in every part of an OpenAI-style error: message, type, code. */
const echo = (status: number): ScriptedReply => ({
  kind: "error",
  status,
  message: `Incorrect API key provided: ${KEY}. Sent: Authorization: Bearer ${KEY}`,
  type: `invalid_request_error ${KEY}`,
  code: KEY,
});

/** The brief passes; testing is refused with the key (401); phases fails with it twice (500). */
function echoingModel() {
  return startScriptedLlm({
    respond: (request) =>
      request.toolName === "testing"
        ? echo(401)
        : request.toolName === "phases"
          ? echo(500)
          : undefined,
  });
}

/** Every row plandraft keeps about drafts, as text. */
async function storedText(deps: Deps): Promise<string> {
  const tables = ["drafts", "draft_versions", "draft_events"];
  const rows = await Promise.all(
    tables.map(
      async (table) => (await deps.db.pool.query(`SELECT * FROM ${table}`)).rows as unknown[],
    ),
  );
  return JSON.stringify(rows);
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("an upstream that echoes the API key", () => {
  it("never shows the key on the CLI's stderr or stdout, nor keeps it in the store", async () => {
    const llm = await echoingModel();
    const store = createTestStore();
    cleanups.push(
      () => llm.close(),
      () => store.drop(),
    );
    const env = {
      ...store.env,
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: llm.baseURL,
      PLANDRAFT_MODEL_RETRIES: "1",
    };
    const run = await runCli(["draft", fixturePath("watchlist-feature.md"), "-m", "openai:x"], {
      env,
    });
    expect(run.code).toBe(1);
    // The failures are still told, with the key taken out.
    expect(run.stderr).toMatch(/401.*\[redacted\]/);
    expect(run.stderr).toMatch(/retry/i);
    expect(run.stderr + run.stdout).not.toContain(KEY);
    // Both failing tools were asked, so the key did come back in every answer.
    expect(llm.requests.some((r) => r.toolName === "testing")).toBe(true);
    expect(llm.requests.filter((r) => r.toolName === "phases")).toHaveLength(2);
    const deps = await createDeps(loadConfig(store.env));
    try {
      const stored = await storedText(deps);
      expect(stored).toContain("[redacted]");
      expect(stored).not.toContain(KEY);
    } finally {
      await deps.close();
    }
  });

  it("never shows the key in the API's answers, its events, its log or its tables", async () => {
    const llm = await echoingModel();
    const server = await startTestServer({
      PLANDRAFT_MODEL: "openai:x",
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: llm.baseURL,
      PLANDRAFT_MODEL_RETRIES: "1",
    });
    cleanups.push(
      () => server.close(),
      () => llm.close(),
    );
    const posted = await fetch(`${server.base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ feature: FEATURE }),
    });
    const { id } = (await posted.json()) as { id: string };
    const events = await watchEvents(`${server.base}/v1/drafts/${id}/events`).done;
    expect(events.at(-1)?.type).toBe("draft.failed");
    const failed = events.filter((e) => e.type === "section.failed");
    expect(failed.length).toBe(2);
    const detail = await (await fetch(`${server.base}/v1/drafts/${id}`)).text();
    const replay = await (await fetch(`${server.base}/v1/drafts/${id}/events`)).text();
    const places = {
      events: JSON.stringify(events),
      detail,
      replay,
      log: server.logs.join(""),
      tables: await storedText(server.deps),
    };
    for (const [place, text] of Object.entries(places)) {
      expect({ place, leaks: text.includes(KEY) }).toEqual({ place, leaks: false });
    }
    expect(places.events).toContain("[redacted]");
    // The retry of phases was logged, with its reason and without the key.
    expect(places.log).toMatch(/model call retried/);
  });
});
