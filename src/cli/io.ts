import { randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { AppError } from "../errors.js";
import { DEFAULT_TEMPLATE_PATH } from "../package-root.js";
import { parseTemplate } from "../template/parse.js";
import type { Template } from "../template/types.js";

/** The default template, or the one the user named: parsed, and its markdown as given. */
export async function loadTemplate(
  path: string | undefined,
): Promise<{ template: Template; source: string }> {
  const file = path ?? DEFAULT_TEMPLATE_PATH;
  let source: string;
  try {
    source = await readFile(file, "utf8");
  } catch (error) {
    throw new AppError("TEMPLATE_MISSING", `template ${file} cannot be read`, {
      hint: "give the path of a markdown plan template",
      cause: error,
    });
  }
  try {
    return { template: parseTemplate(source), source };
  } catch (error) {
    if (error instanceof AppError)
      throw new AppError(error.code, `template ${file}: ${error.message}`, { hint: error.hint });
    throw error;
  }
}

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
