import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../errors.js";
import { PROMPTS_DIR } from "../package-root.js";

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;
const cache = new Map<string, string>();

/**
 * Fills `prompts/<name>.md` with `values`. Strict on purpose: a missing file, a placeholder
 * with no value, or a value with no placeholder is an error, so a prompt edit that drops or
 * misspells a placeholder fails at once instead of sending a half-filled prompt.
 */
export function fillPrompt(name: string, values: Record<string, string>, dir = PROMPTS_DIR): string {
  const text = readPrompt(name, dir);
  const used = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) {
      throw new AppError("PROMPT_INVALID", `prompt ${name}.md needs a value for {{${key}}}`, {
        hint: "pass it from the node, or remove the placeholder from the prompt",
      });
    }
    used.add(key);
    return value;
  });
  const unused = Object.keys(values).filter((key) => !used.has(key));
  if (unused.length > 0) {
    throw new AppError("PROMPT_INVALID", `prompt ${name}.md has no placeholder for ${unused.map((k) => `{{${k}}}`).join(", ")}`, {
      hint: "add the placeholder to the prompt, or stop passing the value",
    });
  }
  return filled;
}

function readPrompt(name: string, dir: string): string {
  const path = join(dir, `${name}.md`);
  const cached = cache.get(path);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new AppError("PROMPT_MISSING", `prompt file ${path} is missing`, {
      hint: "restore it from the plandraft repository",
      cause: error,
    });
  }
  cache.set(path, text);
  return text;
}
