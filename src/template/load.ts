import { readFile } from "node:fs/promises";
import { AppError } from "../errors.js";
import { DEFAULT_TEMPLATE_PATH } from "../package-root.js";
import { parseTemplate } from "./parse.js";
import type { Template } from "./types.js";

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
