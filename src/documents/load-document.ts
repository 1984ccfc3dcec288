import type TurndownService from "turndown";
import { AppError } from "../errors.js";
import { declaredFormat, sniffFormat, type DocumentFormat } from "./detect-format.js";
import { formatBytes } from "./sizes.js";
import { decodeText } from "./text.js";
import { MAX_UNZIPPED_BYTES, unzipsWithin } from "./unzipped-size.js";

export { type DocumentFormat } from "./detect-format.js";

/** A document read as markdown, with the format it was read as. */
export interface LoadedDocument {
  format: DocumentFormat;
  markdown: string;
}

/** How a document is read; the default suits every caller, a test may lower it. */
export interface LoadOptions {
  /** The most a Word document may unzip to (all its parts together). */
  maxUnzippedBytes?: number;
}

const ACCEPTED = "markdown, plain text, HTML, Word (.docx) or PDF";

/**
 * Reads a document (a feature doc or a context doc) as markdown: Word and HTML through
 * HTML to markdown, so headings and lists survive; PDF through LangChain's PDFLoader (text only:
 * a PDF does not say which lines are headings); anything else as UTF-8 text. The format comes
 * from the bytes when they tell (a `.md` that is a PDF is read as a PDF), else from the name or
 * the Content-Type. `name` names the file in every error.
 */
export async function loadDocument(
  bytes: Uint8Array,
  name: string,
  contentType?: string,
  options: LoadOptions = {},
): Promise<LoadedDocument> {
  const format = documentFormat(bytes, name, contentType);
  switch (format) {
    case "markdown":
      return { format, markdown: decodeText(bytes, name) };
    case "html":
      return { format, markdown: await htmlToMarkdown(decodeText(bytes, name)) };
    case "docx":
      return {
        format,
        markdown: await docxToMarkdown(bytes, name, options.maxUnzippedBytes ?? MAX_UNZIPPED_BYTES),
      };
    case "pdf":
      return { format, markdown: await pdfToMarkdown(bytes, name) };
  }
}

function documentFormat(bytes: Uint8Array, name: string, contentType?: string): DocumentFormat {
  const sniffed = sniffFormat(bytes);
  const declared = declaredFormat(name, contentType);
  if (sniffed === "ole") {
    throw declared === "docx"
      ? encrypted(name, "Word document")
      : new AppError("FEATURE_UNREADABLE", `${name} is an old-style Office file (.doc)`, {
          hint: `save it as .docx, or give a ${ACCEPTED} file`,
        });
  }
  if (sniffed === "zip") {
    throw new AppError("FEATURE_UNREADABLE", `${name} is a zip archive, not a Word document`, {
      hint: `give a ${ACCEPTED} file`,
    });
  }
  if (sniffed) return sniffed;
  if (declared === "docx" || declared === "pdf") {
    throw unreadable(name, declared === "pdf" ? "PDF" : "Word document", "its bytes are not one");
  }
  return declared ?? "markdown";
}

/** Script, style and embedded objects are dropped; the rest becomes markdown text. */
async function htmlToMarkdown(html: string): Promise<string> {
  // The parsers load on first use, so that reading a markdown doc (and `--help`) stays fast.
  const { default: Turndown } = await import("turndown");
  const turndown: TurndownService = new Turndown({
    headingStyle: "atx",
    bulletListMarker: "-",
    codeBlockStyle: "fenced",
    emDelimiter: "*",
  });
  turndown.remove(["script", "style", "noscript", "template", "iframe", "object", "embed", "head"]);
  return `${turndown.turndown(html).trim()}\n`;
}

async function docxToMarkdown(
  bytes: Uint8Array,
  name: string,
  maxUnzipped: number,
): Promise<string> {
  const { default: mammoth } = await import("mammoth");
  let html: string | undefined;
  try {
    // Counted before mammoth unzips it, so that a zip bomb is refused, never inflated in full.
    if (await unzipsWithin(bytes, maxUnzipped)) {
      // LangChain's DocxLoader keeps only mammoth's raw text; its HTML keeps headings and lists.
      html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes) })).value;
    }
  } catch (error) {
    throw unreadable(name, "Word document", "it is damaged or not a .docx", error);
  }
  if (html === undefined) {
    const why = `it would expand to more than ${formatBytes(maxUnzipped)}`;
    throw unreadable(name, "Word document", why);
  }
  return await htmlToMarkdown(html);
}

async function pdfToMarkdown(bytes: Uint8Array, name: string): Promise<string> {
  const { PDFLoader } = await import("@langchain/community/document_loaders/fs/pdf");
  const blob = new Blob([Uint8Array.from(bytes)], { type: "application/pdf" });
  try {
    const pages = await new PDFLoader(blob, { splitPages: true }).load();
    return `${pages.map((page) => page.pageContent.trim()).join("\n\n")}\n`;
  } catch (error) {
    const kind = (error as { name?: string }).name ?? "";
    if (/password/i.test(kind)) throw encrypted(name, "PDF");
    throw unreadable(name, "PDF", "it is damaged", error);
  }
}

function unreadable(name: string, kind: string, why: string, cause?: unknown): AppError {
  return new AppError("FEATURE_UNREADABLE", `${name} cannot be read as a ${kind}: ${why}`, {
    hint: `open it and save it again, or export it as markdown; plandraft reads ${ACCEPTED}`,
    cause,
  });
}

function encrypted(name: string, kind: string): AppError {
  return new AppError("FEATURE_ENCRYPTED", `${name} is a password-protected ${kind}`, {
    hint: "save a copy without the password (or export it as markdown) and give that",
  });
}
