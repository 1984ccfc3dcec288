import { describe, expect, it } from "vitest";
import { loadDocument } from "../../src/documents/load-document.js";
import { readFeatureDoc } from "../../src/feature/feature-doc.js";
import { makeDocx, makeOleFile, makePdf, makeZipBomb } from "../support/documents.js";

const LIMIT = 512 * 1024;

const docx = () =>
  makeDocx({
    title: "Saved searches",
    heading: "Scope",
    bullets: ["Save a search", "Share it with a team"],
    text: "Users <script>alert(1)</script> keep their filters.",
  });

describe("loadDocument", () => {
  it("reads a Word document as markdown: headings and lists survive", async () => {
    const loaded = await loadDocument(await docx(), "spec.docx");
    expect(loaded.format).toBe("docx");
    expect(loaded.markdown).toMatch(/^# Saved searches$/m);
    expect(loaded.markdown).toMatch(/^## Scope$/m);
    expect(loaded.markdown).toMatch(/^-\s+Save a search$/m);
    expect(loaded.markdown).toMatch(/^-\s+Share it with a team$/m);
  });

  it("reads an HTML page as markdown, without its scripts and styles", async () => {
    const html = `<!DOCTYPE html><html><head><title>t</title><style>p{}</style></head><body>
      <h1>Saved searches</h1><h2>Scope</h2><ul><li>Save a search</li><li>Share it</li></ul>
      <ol><li>First</li></ol><script>alert("x")</script><p>Body <b>text</b></p></body></html>`;
    const { format, markdown } = await loadDocument(Buffer.from(html), "spec.html");
    expect(format).toBe("html");
    expect(markdown).toMatch(/^# Saved searches$/m);
    expect(markdown).toMatch(/^## Scope$/m);
    expect(markdown).toMatch(/^-\s+Save a search$/m);
    expect(markdown).toMatch(/^1\.\s+First$/m);
    expect(markdown).toContain("Body **text**");
    expect(markdown).not.toMatch(/alert|p\{\}/);
  });

  it("reads the text of a PDF", async () => {
    const pdf = await makePdf(["Saved searches", "Users keep their filters."]);
    const { format, markdown } = await loadDocument(pdf, "spec.pdf");
    expect(format).toBe("pdf");
    expect(markdown).toContain("Saved searches");
    expect(markdown).toContain("Users keep their filters.");
  });

  it("goes by the bytes: a .md that is a PDF or a Word file is read as one", async () => {
    const pdf = await makePdf(["Saved searches"]);
    expect((await loadDocument(pdf, "spec.md")).format).toBe("pdf");
    expect((await loadDocument(await docx(), "spec.txt")).format).toBe("docx");
    const html = Buffer.from("<html><body><h1>Title</h1></body></html>");
    expect((await loadDocument(html, "spec.md")).format).toBe("html");
    // A Content-Type or a name alone decides only for text: HTML fragments are HTML.
    expect((await loadDocument(Buffer.from("<h1>T</h1>"), "x", "text/html")).markdown).toBe(
      "# T\n",
    );
    expect((await loadDocument(Buffer.from("# T\n"), "spec.md")).format).toBe("markdown");
  });

  it("refuses a corrupt Word document or PDF, naming the file and the fix", async () => {
    const word = await docx();
    await expect(loadDocument(word.subarray(0, 600), "spec.docx")).rejects.toMatchObject({
      code: "FEATURE_UNREADABLE",
      message: expect.stringMatching(/^spec\.docx cannot be read as a Word document/),
      hint: expect.stringMatching(/save it again/),
    });
    const pdf = await makePdf(["Saved searches"]);
    await expect(loadDocument(pdf.subarray(0, 300), "spec.pdf")).rejects.toMatchObject({
      code: "FEATURE_UNREADABLE",
      message: expect.stringMatching(/^spec\.pdf cannot be read as a PDF/),
    });
    await expect(loadDocument(Buffer.from("# not a pdf"), "spec.pdf")).rejects.toMatchObject({
      code: "FEATURE_UNREADABLE",
      message: "spec.pdf cannot be read as a PDF: its bytes are not one",
    });
    await expect(
      loadDocument(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), "a.zip"),
    ).rejects.toMatchObject({ code: "FEATURE_UNREADABLE", message: /zip archive/ });
  });

  it("refuses a Word document that would unzip past the limit, before unzipping it", async () => {
    const limit = { maxUnzippedBytes: 64 * 1024 };
    const bomb = await makeZipBomb(1024 * 1024);
    expect(bomb.byteLength).toBeLessThan(8 * 1024);
    const refused = {
      code: "FEATURE_UNREADABLE",
      message: "bomb.docx cannot be read as a Word document: it would expand to more than 64 KiB",
    };
    await expect(loadDocument(bomb, "bomb.docx", undefined, limit)).rejects.toMatchObject(refused);
    // Its sizes declared as 10 bytes: refused all the same (counted as unzipped, or found to lie).
    const lying = await makeZipBomb(1024 * 1024, 10);
    await expect(loadDocument(lying, "bomb.docx", undefined, limit)).rejects.toMatchObject({
      code: "FEATURE_UNREADABLE",
      message: expect.stringMatching(/^bomb\.docx cannot be read as a Word document: /),
    });
    // A real document well under the limit reads as before.
    expect((await loadDocument(await docx(), "spec.docx", undefined, limit)).format).toBe("docx");
  });

  it("refuses a password-protected Word document (an OLE file) as encrypted", async () => {
    await expect(loadDocument(makeOleFile(), "locked.docx")).rejects.toMatchObject({
      code: "FEATURE_ENCRYPTED",
      message: "locked.docx is a password-protected Word document",
      hint: expect.stringMatching(/save a copy without the password/),
    });
    // The same container named .doc is Word's old format, not a locked .docx.
    await expect(loadDocument(makeOleFile(), "old.doc")).rejects.toMatchObject({
      code: "FEATURE_UNREADABLE",
      message: "old.doc is an old-style Office file (.doc)",
    });
  });

  it("refuses a password-protected PDF as encrypted", async () => {
    const pdf = await makePdf(["Secret plans"], "pw");
    await expect(loadDocument(pdf, "locked.pdf")).rejects.toMatchObject({
      code: "FEATURE_ENCRYPTED",
      message: "locked.pdf is a password-protected PDF",
    });
  });
});

describe("readFeatureDoc", () => {
  it("names the feature from the converted doc and links to the file as given", async () => {
    const feature = await readFeatureDoc(await docx(), "spec.docx", LIMIT);
    expect(feature.name).toBe("Saved searches");
    expect(feature.link).toBe("./spec.docx");
  });

  it("applies the size limit to the upload and to the text read out of it", async () => {
    const pdf = await makePdf(["Saved searches"]);
    await expect(readFeatureDoc(pdf, "big.pdf", 100)).rejects.toMatchObject({
      code: "FEATURE_TOO_LARGE",
      message: expect.stringMatching(/^big\.pdf is /),
    });
    // Word documents are zipped: 100 KB of text fits in a far smaller file.
    const long = await makeDocx({
      title: "Long",
      heading: "Text",
      bullets: [],
      text: "the same words again ".repeat(5000),
    });
    expect(long.byteLength).toBeLessThan(50_000);
    await expect(readFeatureDoc(long, "long.docx", 50_000)).rejects.toMatchObject({
      code: "FEATURE_TOO_LARGE",
      message: "the text read from long.docx is 103 KiB, over the 49 KiB limit",
    });
  });

  it("gives the text of an empty document the same check as markdown", async () => {
    const html = Buffer.from("<!doctype html><html><body><script>x()</script></body></html>");
    await expect(readFeatureDoc(html, "blank.html", LIMIT)).rejects.toMatchObject({
      code: "FEATURE_EMPTY",
      message: "blank.html is empty",
    });
    const pdf = await makePdf([]);
    await expect(readFeatureDoc(pdf, "blank.pdf", LIMIT)).rejects.toMatchObject({
      code: "FEATURE_EMPTY",
    });
  });
});
