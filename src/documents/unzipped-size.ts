import { Readable } from "node:stream";
import type JSZip from "jszip";

/**
 * The most a Word document may unzip to. A .docx is zipped XML (and its images): a few MiB of
 * text and pictures unzip to tens of MiB, while a zip bomb of a few KiB unzips to gigabytes that
 * mammoth would hold in memory at once.
 */
export const MAX_UNZIPPED_BYTES = 64 * 1024 * 1024;

/**
 * Whether every part of the zip together unzips to at most `maxBytes`. The sizes a zip declares
 * can lie, so each part is inflated (with the JSZip that mammoth reads it with) and counted as
 * it comes, and the count stops at the limit: what is held at once is a chunk, never the part.
 * A damaged zip rejects.
 */
export async function unzipsWithin(bytes: Uint8Array, maxBytes: number): Promise<boolean> {
  const { default: JSZipClass } = await import("jszip");
  const zip = await JSZipClass.loadAsync(bytes);
  let total = 0;
  for (const part of Object.values(zip.files)) {
    if (part.dir) continue;
    total = await countUpTo(part, total, maxBytes);
    if (total > maxBytes) return false;
  }
  return true;
}

/** `total` plus the part's unzipped bytes, stopping as soon as it passes `maxBytes`. */
async function countUpTo(part: JSZip.JSZipObject, total: number, maxBytes: number) {
  let count = total;
  // JSZip's stream is an old-style one; wrapped, it can be read with `for await` and stopped.
  for await (const chunk of new Readable().wrap(part.nodeStream("nodebuffer"))) {
    count += (chunk as Buffer).byteLength;
    if (count > maxBytes) break;
  }
  return count;
}
