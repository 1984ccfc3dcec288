import { readdir } from "node:fs/promises";
import { extname, basename, join } from "node:path";
import { AppError } from "../errors.js";
import { loadTemplate } from "./load.js";
import type { Template } from "./types.js";

/** A template a server offers by its id: what a client picks instead of sending one. */
export interface OfferedTemplate {
  id: string;
  title: string;
  /** Its markdown: what a draft keeps, so a resume or a revision uses the same. */
  source: string;
  /** Parsed once, when the folder was read. */
  template: Template;
}

export interface OfferedTemplates {
  /** The bundled template first, then the folder's in the order of their file names. */
  list: OfferedTemplate[];
  /** The template with this id; an unknown id is the caller's error, with the choices. */
  byId(id: string): OfferedTemplate;
  default: OfferedTemplate;
}

/** The id the bundled template goes by; a file in the folder cannot take it. */
export const DEFAULT_TEMPLATE_ID = "default";

/**
 * The bundled template, and every markdown file in `folder` (PLANDRAFT_TEMPLATES) as a template
 * of its own, each id its file name without `.md`. Read and checked once, at start: a file that
 * is not a plan template stops the start with its name, rather than failing a draft later.
 */
export async function loadOfferedTemplates(folder: string | undefined): Promise<OfferedTemplates> {
  const bundled = await loadTemplate(undefined);
  const fallback: OfferedTemplate = {
    id: DEFAULT_TEMPLATE_ID,
    title: `${bundled.template.title} (bundled)`,
    source: bundled.source,
    template: bundled.template,
  };
  const list = [fallback, ...(folder ? await folderTemplates(folder) : [])];
  return {
    list,
    default: fallback,
    byId(id) {
      const found = list.find((t) => t.id === id);
      if (found) return found;
      const more = folder ? "" : ", or set PLANDRAFT_TEMPLATES to a folder of templates";
      throw new AppError("TEMPLATE_UNKNOWN", `no template "${id}" is offered`, {
        hint: `choose one of: ${list.map((t) => t.id).join(", ")}${more}`,
      });
    },
  };
}

async function folderTemplates(folder: string): Promise<OfferedTemplate[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw new AppError("CONFIG_INVALID", `PLANDRAFT_TEMPLATES: cannot read the folder ${folder}`, {
      hint: "point PLANDRAFT_TEMPLATES at a folder of markdown plan templates, or unset it",
      cause: error,
    });
  }
  const files = names.filter((name) => [".md", ".markdown"].includes(extname(name))).sort();
  if (files.length === 0) {
    throw new AppError("CONFIG_INVALID", `PLANDRAFT_TEMPLATES: ${folder} has no .md files`, {
      hint: "put one markdown plan template per file in it, or unset PLANDRAFT_TEMPLATES",
    });
  }
  const offered: OfferedTemplate[] = [];
  for (const file of files) {
    const id = basename(file, extname(file));
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id) || id === DEFAULT_TEMPLATE_ID) {
      throw new AppError("CONFIG_INVALID", `PLANDRAFT_TEMPLATES: ${file} cannot be a template id`, {
        hint: `rename it: letters, digits, . _ - only, and not "${DEFAULT_TEMPLATE_ID}" (the bundled one's)`,
      });
    }
    if (offered.some((t) => t.id === id)) {
      throw new AppError("CONFIG_INVALID", `PLANDRAFT_TEMPLATES: two files are named ${id}`, {
        hint: "keep one of them",
      });
    }
    const { template, source } = await loadTemplate(join(folder, file));
    offered.push({ id, title: template.title, source, template });
  }
  return offered;
}

/**
 * The template a command was told to use: a file (`--template`), one offered by `folder` by its
 * id (`--template-id`), else the bundled one.
 */
export async function chooseTemplate(
  folder: string | undefined,
  choice: { template?: string | undefined; templateId?: string | undefined },
): Promise<{ template: Template; source: string }> {
  if (choice.templateId === undefined) return loadTemplate(choice.template);
  return (await loadOfferedTemplates(folder)).byId(choice.templateId);
}
