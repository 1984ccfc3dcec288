import { PDFDocument, StandardFonts } from "@cantoo/pdf-lib";
import { Document, HeadingLevel, Packer, Paragraph } from "docx";
import JSZip from "jszip";

/** A real .docx, made by the `docx` library: a title, a section, a bulleted list, a paragraph. */
export async function makeDocx(lines: {
  title: string;
  heading: string;
  bullets: string[];
  text: string;
}): Promise<Buffer> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: lines.title, heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ text: lines.heading, heading: HeadingLevel.HEADING_2 }),
          ...lines.bullets.map((text) => new Paragraph({ text, bullet: { level: 0 } })),
          new Paragraph({ text: lines.text }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** A real PDF, one line of text per entry, optionally encrypted with a user password. */
export async function makePdf(lines: string[], password?: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 24, size: 14, font }));
  if (password) pdf.encrypt({ userPassword: password, ownerPassword: `${password}-owner` });
  return Buffer.from(await pdf.save());
}

export const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/**
 * A zip shaped like a .docx (made by JSZip, as Word documents are read) whose document.xml is
 * `size` spaces: a few KiB that unzip to `size` bytes, a zip bomb when `size` is large. With
 * `declared`, every size the archive declares is rewritten to it: declared sizes can lie.
 */
export async function makeZipBomb(size: number, declared?: number): Promise<Buffer> {
  const zip = new JSZip();
  zip.file("[Content_Types].xml", '<?xml version="1.0"?><Types/>');
  zip.file("word/document.xml", Buffer.alloc(size, 0x20));
  const bytes = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
  if (declared !== undefined) declareSizes(bytes, declared);
  return bytes;
}

/** The uncompressed size field of each local header (offset 22) and central entry (offset 24). */
function declareSizes(zip: Buffer, size: number): void {
  for (const [signature, offset] of [
    [0x04034b50, 22],
    [0x02014b50, 24],
  ] as const) {
    for (let at = 0; at + 4 <= zip.length; at += 1) {
      if (zip.readUInt32LE(at) === signature) zip.writeUInt32LE(size, at + offset);
    }
  }
}

/**
 * What Word saves when a document has a password: an OLE compound file, not a zip. No library
 * here writes one, and the reader goes by its first eight bytes (the OLE signature), so this is
 * that signature and an empty 512-byte header.
 */
export function makeOleFile(): Buffer {
  const file = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file);
  return file;
}
