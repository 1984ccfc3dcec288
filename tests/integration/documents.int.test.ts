import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createDeps, type Deps } from "../../src/deps.js";
import { buildApp } from "../../src/server/app.js";
import { runCli } from "../support/cli.js";
import { DOCX_TYPE, makeDocx, makeOleFile, makePdf, makeZipBomb } from "../support/documents.js";
import { createTestStore, type TestStore } from "../support/store.js";

const dir = mkdtempSync(join(tmpdir(), "plandraft-documents-"));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** A Word feature doc whose text holds markup: it must reach the plan as text, never as HTML. */
const wordDoc = () =>
  makeDocx({
    title: "Saved searches <script>alert(1)</script>",
    heading: "Scope",
    bullets: ["Save a search <img src=x onerror=alert(2)>", "Share it with a team"],
    text: "Users keep their filters between visits.",
  });

const HTML_DOC = `<!DOCTYPE html><html><body><h1>Saved searches</h1>
<script>document.write("<b>injected</b>")</script><h2>Scope</h2>
<ul><li>Save a search</li><li>Share it <iframe src="https://evil.example"></iframe></li></ul>
</body></html>`;

const RAW_HTML = /<\/?(script|img|iframe|b)\b/i;

describe("plandraft draft with Word, PDF and HTML docs", () => {
  it("drafts a .docx: the feature is named from its heading, markup stays text", async () => {
    const out = join(dir, "plan-docx.md");
    const run = await runCli(["draft", file("spec.docx", await wordDoc()), "-o", out]);
    expect(run.stderr).not.toMatch(/FEATURE_/);
    expect(run.code).toBe(0);
    const plan = readFileSync(out, "utf8");
    expect(plan.split("\n")[0]).toMatch(/^# Implementation Plan: Saved searches/);
    expect(plan).toContain("(./spec.docx)");
    expect(plan).not.toMatch(RAW_HTML);
  });

  it("drafts an .html page and a .pdf", async () => {
    const html = await runCli(["draft", file("spec.html", HTML_DOC)]);
    expect(html.code).toBe(0);
    expect(html.stdout.split("\n")[0]).toBe("# Implementation Plan: Saved searches");
    expect(html.stdout).not.toMatch(RAW_HTML);
    expect(html.stdout).not.toContain("injected");
    const pdf = await runCli(["draft", file("spec.pdf", await makePdf(["Saved searches"]))]);
    expect(pdf.code).toBe(0);
    expect(pdf.stdout).toContain("(./spec.pdf)");
  });

  const cases: [string, () => Promise<string>, RegExp][] = [
    [
      "a corrupt .docx",
      async () => file("broken.docx", (await wordDoc()).subarray(0, 700)),
      /^plandraft: FEATURE_UNREADABLE: .*broken\.docx cannot be read as a Word document: .*\(open it and save it again/m,
    ],
    [
      "a corrupt .pdf",
      async () => file("broken.pdf", (await makePdf(["x"])).subarray(0, 300)),
      /^plandraft: FEATURE_UNREADABLE: .*broken\.pdf cannot be read as a PDF/m,
    ],
    [
      "a password-protected .pdf",
      async () => file("locked.pdf", await makePdf(["Secret"], "pw")),
      /^plandraft: FEATURE_ENCRYPTED: .*locked\.pdf is a password-protected PDF \(save a copy without the password/m,
    ],
    [
      "a password-protected .docx",
      () => Promise.resolve(file("locked.docx", makeOleFile())),
      /^plandraft: FEATURE_ENCRYPTED: .*locked\.docx is a password-protected Word document \(save a copy without the password/m,
    ],
    [
      // 65 MiB of text zipped to about 65 KiB: refused before mammoth unzips it.
      "a .docx that unzips past 64 MiB",
      async () => file("bomb.docx", await makeZipBomb(65 * 1024 * 1024)),
      /^plandraft: FEATURE_UNREADABLE: .*bomb\.docx cannot be read as a Word document: it would expand to more than 64\.0 MiB/m,
    ],
  ];
  for (const [name, make, message] of cases) {
    it(`refuses ${name}: exit 2, one line naming the file and the fix`, async () => {
      const run = await runCli(["draft", await make()]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe("the API with Word, PDF and HTML docs", () => {
  let store: TestStore;
  let deps: Deps;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    store = createTestStore();
    deps = await createDeps(loadConfig({ ...store.env }));
    app = await buildApp(deps);
  });
  afterAll(async () => {
    await app.close();
    await deps.close();
    await store.drop();
  });

  const upload = (
    name: string,
    type: string,
    bytes: Buffer,
    fields: Record<string, string> = {},
  ) => {
    const boundary = "----plandraft";
    const head =
      Object.entries(fields)
        .map(
          ([field, value]) =>
            `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n`,
        )
        .join("") +
      `--${boundary}\r\nContent-Disposition: form-data; name="feature"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`;
    return app.inject({
      method: "POST",
      url: "/v1/drafts",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    });
  };
  const raw = (type: string, bytes: Buffer | string) =>
    app.inject({
      method: "POST",
      url: "/v1/drafts",
      headers: { "content-type": type },
      payload: bytes,
    });

  async function planOf(response: Awaited<ReturnType<typeof raw>>): Promise<string> {
    expect(response.statusCode).toBe(202);
    const { id } = response.json<{ id: string }>();
    const deadline = Date.now() + 30_000;
    const status = async () =>
      (await app.inject({ method: "GET", url: `/v1/drafts/${id}` })).json<{ status: string }>()
        .status;
    while (["queued", "running"].includes(await status())) {
      if (Date.now() > deadline) throw new Error(`draft ${id} still running`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return (await app.inject({ method: "GET", url: `/v1/drafts/${id}/plan.md` })).body;
  }

  it("drafts an uploaded .docx and .html, and raw PDF, Word and HTML bodies", async () => {
    const word = await wordDoc();
    const plans = [
      await planOf(await upload("spec.docx", DOCX_TYPE, word)),
      await planOf(await upload("spec.html", "text/html", Buffer.from(HTML_DOC))),
      await planOf(await raw(DOCX_TYPE, word)),
      await planOf(await raw("text/html; charset=utf-8", HTML_DOC)),
    ];
    for (const plan of plans) {
      expect(plan.split("\n")[0]).toMatch(/^# Implementation Plan: Saved searches/);
      expect(plan).not.toMatch(RAW_HTML);
      expect(plan).not.toContain("injected");
    }
    expect(plans[0]).toContain("(./spec.docx)");
    // A PDF's text has no headings: the feature keeps its default name, the plan links to it.
    const pdf = await planOf(await raw("application/pdf", await makePdf(["Saved searches"])));
    expect(pdf.split("\n")[0]).toBe("# Implementation Plan: Feature");
    expect(pdf).toContain("(./feature.pdf)");
  });

  it("takes the JSON body's options as fields before the uploaded file", async () => {
    const word = await wordDoc();
    const named = await upload("spec.docx", DOCX_TYPE, word, { title: "Named", model: "none" });
    await planOf(named);
    const id = named.json<{ id: string }>().id;
    const draft = await app.inject({ method: "GET", url: `/v1/drafts/${id}` });
    expect(draft.json()).toMatchObject({ title: "Named", model: "none" });
    const unknown = await upload("spec.docx", DOCX_TYPE, word, { colour: "red" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      code: "USAGE",
      message: expect.stringMatching(/colour/),
    });
    const model = await upload("spec.docx", DOCX_TYPE, word, { model: "gpt4" });
    expect(model.json()).toMatchObject({ code: "MODEL_UNKNOWN" });
  });

  it("answers a corrupt or encrypted upload or body with a 400 naming the file", async () => {
    const word = await wordDoc();
    const locked = await makePdf(["Secret"], "pw");
    const cases: [Awaited<ReturnType<typeof raw>>, string, RegExp][] = [
      [
        await upload("broken.docx", DOCX_TYPE, word.subarray(0, 700)),
        "FEATURE_UNREADABLE",
        /^broken\.docx cannot be read as a Word document/,
      ],
      [
        await upload("locked.docx", DOCX_TYPE, makeOleFile()),
        "FEATURE_ENCRYPTED",
        /^locked\.docx is a password-protected Word document/,
      ],
      [
        await raw(DOCX_TYPE, makeOleFile()),
        "FEATURE_ENCRYPTED",
        /^the request body is a password-protected Word document/,
      ],
      [
        await upload("locked.pdf", "application/pdf", locked),
        "FEATURE_ENCRYPTED",
        /^locked\.pdf is a password-protected PDF/,
      ],
      // A name that says markdown does not hide a PDF: the bytes decide.
      [
        await upload("notes.md", "text/markdown", locked),
        "FEATURE_ENCRYPTED",
        /^notes\.md is a password-protected PDF/,
      ],
      [
        await raw("application/pdf", Buffer.from("# not a pdf")),
        "FEATURE_UNREADABLE",
        /^the request body cannot be read as a PDF/,
      ],
      [
        await raw("application/pdf", locked),
        "FEATURE_ENCRYPTED",
        /^the request body is a password-protected PDF/,
      ],
    ];
    for (const [response, code, message] of cases) {
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });
});
