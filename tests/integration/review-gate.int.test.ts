import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { briefFill, REGIONS_QUESTION } from "../support/brief.js";
import { fixturePath } from "../support/drafting.js";
import type { ScriptedRequest } from "../support/scripted-llm.js";
import { watchEvents, type Received } from "../support/sse.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");

/** The brief the scripted model writes: four repositories, one question left open. */
const REPOS = [
  { repo: "/data", touched: true, why: "the nightly alert job" },
  { repo: "/gain", touched: true, why: "the watchlist page and API" },
  { repo: "/edh", touched: true, why: "supplier ids" },
  { repo: "/infra", touched: false, why: "nothing to deploy" },
];
const QUESTION = REGIONS_QUESTION;
const ANSWER = "EU and US, computed in each region's own warehouse";

function postJson(server: TestServer, url: string, body: unknown): Promise<Response> {
  return fetch(`${server.base}${url}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** GET /v1/drafts/:id and GET /v1/drafts, as far as these tests read them. */
interface Shown {
  id: string;
  status: string;
  review: unknown;
}

describe("the review gate through the API", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(
      {},
      {
        fill: briefFill(REPOS),
      },
    );
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (url: string, body: unknown) => postJson(server, url, body);

  /** The run's events from after `after` to its last one. */
  const follow = (id: string, after?: string): Promise<Received[]> =>
    watchEvents(`${server.base}/v1/drafts/${id}/events`, after ? { "last-event-id": after } : {})
      .done;

  /** Starts a draft that stops at the gate; resolves once it waits there. */
  async function draftToGate(): Promise<{
    id: string;
    events: Received[];
    calls: ScriptedRequest[];
  }> {
    const before = server.llm.requests.length;
    const posted = await post("/v1/drafts", { feature: FEATURE, review: true });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };
    const events = await follow(id);
    return { id, events, calls: server.llm.requests.slice(before) };
  }

  it("stops after the analysis with no section requested, and shows the brief and its question", async () => {
    const { id, events, calls } = await draftToGate();
    expect(calls.map((c) => c.toolName)).toEqual(["brief"]);
    expect(events.map((e) => e.type)).toEqual(["draft.started", "review.requested"]);
    const gate = events.at(-1)!.data;
    expect(gate.brief.repos).toEqual(REPOS);
    expect(gate.questions).toEqual([
      expect.objectContaining({ id: "q1", question: QUESTION.question, suggestion: "EU only" }),
    ]);
    expect(gate.usage.calls).toBe(1);

    const shown = (await (await fetch(`${server.base}/v1/drafts/${id}`)).json()) as Shown;
    expect(shown.status).toBe("awaiting_review");
    expect(shown.review).toEqual({ kind: "brief", brief: gate.brief, questions: gate.questions });
    const listed = (await (await fetch(`${server.base}/v1/drafts`)).json()) as { drafts: Shown[] };
    expect(listed.drafts.find((d) => d.id === id)?.status).toBe("awaiting_review");
  });

  it("refuses an answer that does not fit, naming the field, and keeps the draft waiting", async () => {
    const { id } = await draftToGate();
    const unknown = await post(`/v1/drafts/${id}/review`, { approve: true, answers: { q7: "x" } });
    expect(unknown.status).toBe(400);
    const body = (await unknown.json()) as { code: string; message: string };
    expect(body.code).toBe("REVIEW_ANSWER_INVALID");
    expect(body.message).toContain("answers.q7: no such question (the questions are q1)");

    const repo = await post(`/v1/drafts/${id}/review`, {
      approve: true,
      brief: { repos: [{ repo: "/nope", touched: false, why: "x" }] },
    });
    expect(((await repo.json()) as { message: string }).message).toContain("brief.repos[0].repo");

    const malformed = await post(`/v1/drafts/${id}/review`, { approve: "yes", extra: 1 });
    expect(malformed.status).toBe(400);
    const empty = await post(`/v1/drafts/${id}/review`, { approve: true, answers: { q1: "" } });
    expect(empty.status).toBe(400);

    const shown = (await (await fetch(`${server.base}/v1/drafts/${id}`)).json()) as Shown;
    expect(shown.status).toBe("awaiting_review");
  });

  it("drafts on from the answer: every section request carries it, an untouched repository is not asked about", async () => {
    const { id, events } = await draftToGate();
    const before = server.llm.requests.length;
    const answered = await post(`/v1/drafts/${id}/review`, {
      approve: true,
      brief: {
        repos: [{ repo: "/edh", touched: false, why: "the alerts keep supplier ids only" }],
      },
      answers: { q1: ANSWER },
    });
    expect(answered.status).toBe(202);
    const run = await follow(id, events.at(-1)!.id);
    expect(run.at(-1)!.type).toBe("draft.completed");

    const calls = server.llm.requests.slice(before);
    const tools = calls.map((c) => c.toolName);
    expect(tools).not.toContain("brief");
    expect(tools).not.toContain("repoChanges_edh");
    expect(tools).toEqual(
      expect.arrayContaining(["repoChanges_gain", "repoChanges_data", "testing"]),
    );
    for (const call of calls) expect(JSON.stringify(call.body.messages)).toContain(ANSWER);

    const plan = run.at(-1)!.data.markdown as string;
    expect(plan).toContain(
      "Marked untouched when the brief was reviewed: no change is planned in /edh",
    );
    expect(plan).toContain("**Answered when the brief was reviewed (1)**");
    expect(plan).toContain(`Answer: ${ANSWER}`);
    expect(plan).toContain("**Open questions (0)**");
  });

  it("takes one of two answers sent at once, and refuses the other with 409", async () => {
    const { id, events } = await draftToGate();
    const [first, second] = await Promise.all([
      post(`/v1/drafts/${id}/review`, { approve: true, answers: { q1: "one" } }),
      post(`/v1/drafts/${id}/review`, { approve: true, answers: { q1: "two" } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    const refused = first.status === 409 ? first : second;
    expect(((await refused.json()) as { code: string }).code).toBe("DRAFT_NOT_AWAITING_REVIEW");
    const run = await follow(id, events.at(-1)!.id);
    expect(run.at(-1)!.type).toBe("draft.completed");
    const again = await post(`/v1/drafts/${id}/review`, { approve: true });
    expect(again.status).toBe(409);
  });

  it("cancels a draft waiting at the gate, which then takes no answer", async () => {
    const { id, events } = await draftToGate();
    const cancelled = await post(`/v1/drafts/${id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    const run = await follow(id, events.at(-1)!.id);
    expect(run.at(-1)).toMatchObject({ type: "draft.failed", data: { code: "DRAFT_CANCELLED" } });
    expect((await post(`/v1/drafts/${id}/review`, { approve: true })).status).toBe(409);
  });

  it("stops a draft at the gate when the answer does not approve: it ends cancelled", async () => {
    const { id, events } = await draftToGate();
    const before = server.llm.requests.length;
    expect((await post(`/v1/drafts/${id}/review`, { approve: false })).status).toBe(202);
    const run = await follow(id, events.at(-1)!.id);
    expect(run.at(-1)).toMatchObject({ type: "draft.failed", data: { code: "DRAFT_CANCELLED" } });
    expect(server.llm.requests.length).toBe(before);
    const shown = (await (await fetch(`${server.base}/v1/drafts/${id}`)).json()) as Shown;
    expect(shown.status).toBe("cancelled");
  });
});

/** The brief a section's request gave the model (its `<brief>` message), as JSON. */
function briefSent(call: ScriptedRequest): { answered_questions?: unknown } {
  const messages = call.body.messages as { content: string }[];
  const text = messages.map((m) => m.content).find((c) => c.includes("<brief>")) ?? "";
  return JSON.parse(/<brief>\n([\s\S]*?)\n<\/brief>/.exec(text)?.[1] ?? "{}") as {
    answered_questions?: unknown;
  };
}

describe("a question with choices at the gate", () => {
  const STORE = {
    question: "Where are the watchlists kept?",
    assumption: "Postgres",
    choices: ["Redis", "Postgres"],
    sections: ["Architecture Alignment"],
    blocking: true,
  };
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({}, { fill: briefFill(REPOS, [STORE]) });
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (url: string, body: unknown) => postJson(server, url, body);

  it("offers the model's options, refuses an answer outside them, and drafts from the one picked", async () => {
    const posted = await post("/v1/drafts", { feature: FEATURE, review: true });
    const { id } = (await posted.json()) as { id: string };
    const events = await watchEvents(`${server.base}/v1/drafts/${id}/events`).done;
    expect(events.at(-1)!.data.questions).toEqual([
      expect.objectContaining({ id: "q1", suggestion: "Postgres", choices: ["Redis", "Postgres"] }),
    ]);

    const outside = await post(`/v1/drafts/${id}/review`, { approve: true, answers: { q1: "S3" } });
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as { message: string }).message).toContain(
      "answers.q1: answer one of Redis | Postgres",
    );

    const before = server.llm.requests.length;
    const picked = await post(`/v1/drafts/${id}/review`, {
      approve: true,
      answers: { q1: "Redis" },
    });
    expect(picked.status).toBe(202);
    const run = await watchEvents(`${server.base}/v1/drafts/${id}/events`, {
      "last-event-id": events.at(-1)!.id,
    }).done;
    expect(run.at(-1)!.type).toBe("draft.completed");
    const calls = server.llm.requests.slice(before);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(briefSent(call).answered_questions).toEqual([
        { question: STORE.question, answer: "Redis" },
      ]);
    }
  });
});

describe("a revision's review gate through the API", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({}, { fill: briefFill(REPOS) });
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (url: string, body: unknown) => postJson(server, url, body);
  const plan = async (id: string) => (await fetch(`${server.base}/v1/drafts/${id}/plan.md`)).text();

  /** A finished draft, and where its events end. */
  async function finishedDraft(): Promise<{ id: string; last: string }> {
    const posted = await post("/v1/drafts", { feature: FEATURE });
    const { id } = (await posted.json()) as { id: string };
    const events = await watchEvents(`${server.base}/v1/drafts/${id}/events`).done;
    expect(events.at(-1)!.type).toBe("draft.completed");
    return { id, last: events.at(-1)!.id };
  }

  /** Asks for a revision of Architecture Alignment with its cascade, reviewed first. */
  async function revisionToGate(id: string, last: string) {
    const before = server.llm.requests.length;
    const revised = await post(`/v1/drafts/${id}/revisions`, {
      section: "Architecture Alignment",
      feedback: "Keep the alerts in the warehouse",
      cascade: true,
      review: true,
    });
    expect(revised.status).toBe(202);
    const events = await watchEvents(`${server.base}/v1/drafts/${id}/events`, {
      "last-event-id": last,
    }).done;
    return { events, calls: server.llm.requests.slice(before) };
  }

  it("stops once the section is re-drafted, before the cascade pays for its dependents; kept, they follow", async () => {
    const { id, last } = await finishedDraft();
    const { events, calls } = await revisionToGate(id, last);
    expect(calls.map((c) => c.toolName)).toEqual(["architecture"]);
    const gate = events.at(-1)!;
    expect(gate.type).toBe("review.requested");
    expect(gate.data).toMatchObject({
      kind: "revision",
      section: { title: "Architecture Alignment" },
      feedback: "Keep the alerts in the warehouse",
    });
    expect(gate.data.dependents.length).toBeGreaterThan(0);
    // The scripted model writes a section the same each time: the text is the one it re-drafted.
    expect(gate.data.after).toContain("## Architecture Alignment");

    const shown = (await (await fetch(`${server.base}/v1/drafts/${id}`)).json()) as Shown;
    expect(shown.status).toBe("awaiting_review");
    expect(shown.review).toMatchObject({ kind: "revision", feedback: gate.data.feedback });
    const withAnswers = await post(`/v1/drafts/${id}/review`, {
      approve: true,
      answers: { q1: "x" },
    });
    expect(withAnswers.status).toBe(400);
    expect(((await withAnswers.json()) as { message: string }).message).toContain(
      "answers: a revision's review takes approve alone",
    );

    const before = server.llm.requests.length;
    expect((await post(`/v1/drafts/${id}/review`, { approve: true })).status).toBe(202);
    const run = await watchEvents(`${server.base}/v1/drafts/${id}/events`, {
      "last-event-id": gate.id,
    }).done;
    expect(run.at(-1)).toMatchObject({ type: "draft.completed", data: { version: 2 } });
    expect(run.at(-1)!.data.dropped).toBeUndefined();
    const cascade = server.llm.requests.slice(before).map((c) => c.toolName);
    expect(cascade).not.toContain("architecture");
    expect(cascade.length).toBe(gate.data.dependents.length);
  });

  it("drops the revision when it is not kept: the plan stays the version it was, nothing more is asked", async () => {
    const { id, last } = await finishedDraft();
    const kept = await plan(id);
    const { events } = await revisionToGate(id, last);
    const before = server.llm.requests.length;
    expect((await post(`/v1/drafts/${id}/review`, { approve: false })).status).toBe(202);
    const run = await watchEvents(`${server.base}/v1/drafts/${id}/events`, {
      "last-event-id": events.at(-1)!.id,
    }).done;
    expect(run.at(-1)).toMatchObject({
      type: "draft.completed",
      data: { version: 1, dropped: true, markdown: kept },
    });
    expect(server.llm.requests.length).toBe(before);
    const shown = (await (await fetch(`${server.base}/v1/drafts/${id}`)).json()) as Shown;
    expect(shown.status).toBe("completed");
    expect(await plan(id)).toBe(kept);
    expect((await fetch(`${server.base}/v1/drafts/${id}/plan.md?version=2`)).status).toBe(404);
  });
});
