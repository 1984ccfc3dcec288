import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { AppError, fileProblem } from "../errors.js";
import { readFeatureDoc, type FeatureDoc } from "./feature-doc.js";
import { fileNameProblem } from "./names.js";

/** Reads a feature doc (markdown, text, HTML, Word or PDF) from a file, or from stdin when the path is "-". */
export async function readFeature(
  path: string,
  maxBytes: number,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<FeatureDoc> {
  if (path !== "-") checkFileName(basename(path));
  const bytes = path === "-" ? await readStream(stdin, maxBytes) : await readFileBytes(path);
  return readFeatureDoc(bytes, path === "-" ? "stdin" : path, maxBytes);
}

/** The plan links to the doc by its file name, so the name is checked like the API's `source`. */
export function checkFileName(
  name: string,
  hint = "rename the file, or pipe it in: plandraft draft - < FILE",
): void {
  const problem = fileNameProblem(name);
  if (problem) {
    // JSON quoting shows a control character as an escape, never raw on a terminal.
    throw new AppError(
      "FEATURE_NAME_INVALID",
      `the feature doc's file name ${JSON.stringify(name)} ${problem}`,
      { hint },
    );
  }
}

async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new AppError("FEATURE_MISSING", `feature doc ${path} ${fileProblem(error)}`, {
      hint: "give the path of a markdown, HTML, Word (.docx) or PDF file, or - to read stdin",
      cause: error,
    });
  }
}

/** Stops reading one byte past the limit, so a huge stdin fails fast with the size error. */
async function readStream(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    chunks.push(buffer);
    size += buffer.byteLength;
    if (size > maxBytes) break;
  }
  return Buffer.concat(chunks);
}
