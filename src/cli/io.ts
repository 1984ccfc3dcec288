import { randomUUID } from "node:crypto";
import { rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { AppError } from "../errors.js";

/** Writes through a temporary file, so an interrupted write never leaves half a plan behind. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, text, "utf8");
    await rename(temporary, path);
  } catch (error) {
    throw new AppError("OUTPUT_WRITE_FAILED", `cannot write ${path}: ${(error as Error).message}`, {
      hint: "check that the folder exists and is writable",
      cause: error,
    });
  }
}
