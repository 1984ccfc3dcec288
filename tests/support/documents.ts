import { PDFDocument, StandardFonts } from "@cantoo/pdf-lib";
import { Document, HeadingLevel, Packer, Paragraph } from "docx";

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
