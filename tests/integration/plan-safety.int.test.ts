import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { fixturePath } from "../support/drafting.js";
import { followedScheme, rawHtmlIn, renderedHtml, targetsIn } from "../support/rendered-links.js";
import type { ScriptedLlmOptions } from "../support/scripted-llm.js";
import { startScriptedLlm, type ScriptedLlm, scriptedModelEnv } from "../support/scripted-llm.js";
import { readEvents } from "../support/sse.js";
import { createTestStore, type TestStore } from "../support/store.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// A plan is read in any markdown renderer, not only our page (which sanitizes): hostile file
// names, titles and model output must reach plan.md as text (issue 10, finding 9).

const SOURCE = "x<img src=x onerror=alert(1)>.md";
const TITLE = "<script>alert(1)</script> Watchlist & <b>friends</b>";
const DOC = readFileSync(fixturePath("watchlist-feature.md"), "utf8").replace(
  "# Supplier Risk Watchlist",
  `# ${TITLE}`,
);
/**
 * What the model writes into every text field: links a renderer would run, and markup (cut to the
 * field's maxLength, as a model that follows the schema would).
 */
const HOSTILE =
  "See [the docs](javascript:alert(1)), [mixed](JaVaScRiPt:alert(2)), " +
  "[encoded](&#x6a;avascript:alert(3)), [escaped](javascript\\:alert(4)), " +
  "![pixel](data:image/svg+xml,%3Csvg%20onload=alert(5)%3E), <javascript:alert(6)>, " +
  "<img src=x onerror=alert(7)> and [a safe one](https://example.com/ok).\n\n" +
  "[ref]: vbscript:msgbox(8)\n\n[by reference][ref]";
const MODEL: ScriptedLlmOptions = {
  fill: (_path, schema) =>
    schema.type === "string" && !schema.enum && schema.const === undefined
      ? HOSTILE.slice(0, typeof schema.maxLength === "number" ? schema.maxLength : undefined)
      : undefined,
};
/** The link Document Control makes to the doc: one relative path, percent-encoded. */
const DOC_LINK = "](./x%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.md)";

/** The plan as any renderer would show it: no script link, no markup, only safe targets. */
function expectSafe(plan: string): void {
  expect(plan).toContain(DOC_LINK);
  expect(plan.split("\n")[0]).toBe(
    "# Implementation Plan: &lt;script>alert(1)&lt;/script> Watchlist & &lt;b>friends&lt;/b>",
  );
  expect(rawHtmlIn(plan)).toEqual([]);
  const schemes = new Set(targetsIn(plan).map(followedScheme));
  expect([...schemes].filter((s) => !["http", "https", "mailto", "relative"].includes(s))).toEqual(
    [],
  );
  expect(schemes).toContain("https"); // the safe link stays a link
  const html = renderedHtml(plan);
  expect(html).not.toMatch(/<a\s[^>]*href="\s*(javascript|data|vbscript)/i);
  expect(html).not.toMatch(/<(img|script|svg)\b/i);
  expect(html).not.toMatch(/<[a-z][^>]*\son\w+=/i);
  expect(html).toContain("the docs"); // a link that lost its target keeps its text
}

describe("through the CLI", () => {
  let store: TestStore;
  let llm: ScriptedLlm;
  const dir = mkdtempSync(join(tmpdir(), "plandraft-plan-safety-"));
  beforeAll(async () => {
    store = createTestStore();
    llm = await startScriptedLlm(MODEL);
  });
  afterAll(async () => {
    await llm.close();
    await store.drop();
  });
  const env = () => ({
    ...store.env,
    ...scriptedModelEnv(llm),
  });

  it("drafts a plan safe in any renderer, and keeps the title and file name as given", async () => {
    const path = join(dir, SOURCE);
    writeFileSync(path, DOC);
    const run = await runCli(["draft", path, "--json"], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { id: string; markdown: string; title: string };
    expectSafe(result.markdown);
    expect(result.title).toBe(TITLE);
    const shown = await runCli(["show", result.id, "--json"], { env: env() });
    expect(JSON.parse(shown.stdout)).toMatchObject({ title: TITLE });
    if (store.query) {
      const row = await store.query("SELECT feature_source FROM drafts WHERE id = $1", [result.id]);
      expect(row.rows[0]).toEqual({ feature_source: path });
    }
  });

  it("refuses a file name with a control character before any model call (exit 2)", async () => {
    const path = join(dir, "bad\u001b[31mname.md");
    writeFileSync(path, DOC);
    const calls = llm.requests.length;
    const run = await runCli(["draft", path], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^plandraft: FEATURE_NAME_INVALID: the feature doc's file name "bad\\u001b\[31mname\.md" has a control character \(U\+001B\) at position 4: remove it \(rename the file/,
    );
    expect(run.stderr).not.toContain("\u001b");
    expect(llm.requests.length).toBe(calls);
  });
});

describe("through the API", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, MODEL);
  });
  afterAll(() => server.close());

  const post = (body: object) =>
    fetch(`${server.base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("drafts a plan safe in any renderer; the draft keeps the title and source as given", async () => {
    const title = `${TITLE} (API)`;
    const { events } = await readEvents(`${server.base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ feature: DOC, title, source: SOURCE }),
    });
    const last = events.at(-1);
    expect(last?.type, JSON.stringify(last?.data)).toBe("draft.completed");
    const id = events[0]?.data.id as string;
    const plan = await (await fetch(`${server.base}/v1/drafts/${id}/plan.md`)).text();
    expectSafe(plan);
    expect(last?.data.markdown).toBe(plan);
    const draft = (await (await fetch(`${server.base}/v1/drafts/${id}`)).json()) as object;
    expect(draft).toMatchObject({ title });
    expect((await server.deps.drafts.get(id))?.featureSource).toBe(SOURCE);
  });

  it("refuses control characters and absurd lengths in title and source: 400, nothing saved", async () => {
    const calls = server.llm.requests.length;
    const drafts = async () =>
      ((await (await fetch(`${server.base}/v1/drafts`)).json()) as { drafts: unknown[] }).drafts
        .length;
    const before = await drafts();
    const refused: [object, RegExp][] = [
      [
        { title: "a\u0007b" },
        /title: has a control character \(U\+0007\) at position 2: remove it/,
      ],
      [{ title: "x".repeat(201) }, /title: is 201 characters long, over the 200 allowed/],
      [{ title: "   " }, /title: is blank/],
      [{ source: "x\u001b[2J.md" }, /source: has a control character \(U\+001B\)/],
      [{ source: "evil\u202Egpj.md" }, /source: has a control character \(U\+202E\)/],
      [{ source: `${"x".repeat(300)}.md` }, /source: is 303 characters long, over the 255 allowed/],
      [{ source: "../secret.md" }, /source: a file name, without folders/],
    ];
    for (const [fields, message] of refused) {
      const response = await post({ feature: DOC, ...fields });
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(await response.json()).toMatchObject({ code: "USAGE", message });
    }
    const boundary = "----plandraft";
    const upload = await fetch(`${server.base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="feature"; filename="a\u0001b.md"\r\nContent-Type: text/markdown\r\n\r\n${DOC}\r\n--${boundary}--\r\n`,
    });
    expect(upload.status).toBe(400);
    expect(await upload.json()).toMatchObject({
      code: "FEATURE_NAME_INVALID",
      message: expect.stringMatching(/U\+0001/),
    });
    expect(await drafts()).toBe(before);
    expect(server.llm.requests.length).toBe(calls);
  });
});
