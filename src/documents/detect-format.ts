import { extname } from "node:path";

/** The kinds of document plandraft reads; everything else is read as markdown (UTF-8 text). */
export type DocumentFormat = "markdown" | "html" | "docx" | "pdf";

const BY_EXTENSION: Record<string, DocumentFormat> = {
  ".docx": "docx",
  ".pdf": "pdf",
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
};

const BY_CONTENT_TYPE: Record<string, DocumentFormat> = {
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/pdf": "pdf",
  "text/html": "html",
  "application/xhtml+xml": "html",
};

/** What the file says it is (its name, or the Content-Type it came with), before looking inside. */
export function declaredFormat(name: string, contentType?: string): DocumentFormat | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return (type ? BY_CONTENT_TYPE[type] : undefined) ?? BY_EXTENSION[extname(name).toLowerCase()];
}

/**
 * What the bytes are: a PDF starts with `%PDF-` (readers allow junk in the first KiB), a Word
 * document is a zip holding `word/document.xml`, an HTML page starts with a doctype or `<html`.
 * An Office file saved with a password is not a zip but an OLE container ("ole").
 */
export function sniffFormat(bytes: Uint8Array): DocumentFormat | "zip" | "ole" | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  if (head.includes("%PDF-")) return "pdf";
  if (head.subarray(0, 4).equals(ZIP)) {
    const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return all.includes("word/document.xml") ? "docx" : "zip";
  }
  if (head.subarray(0, 8).equals(OLE)) return "ole";
  const start = head
    .toString("latin1")
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, "")
    .trimStart();
  if (/^(?:<\?xml[^>]*>\s*)?(?:<!doctype html|<html[\s>])/i.test(start)) return "html";
  return undefined;
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
