import { readFile, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { z } from "zod";
import { AppError, schemaProblems } from "../errors.js";
import { isCheckout } from "./git.js";
import type { Workspace } from "./types.js";
import { WORKSPACE_FILE } from "./file-name.js";

export { WORKSPACE_FILE };

const WorkspaceFile = z.strictObject({
  /** Template repository name -> checkout folder, relative to the workspace file. */
  repositories: z.record(z.string().min(1), z.string().min(1)).nullish(),
  /** Context docs (files or folders), relative to the workspace file. */
  context: z.array(z.string().min(1)).nullish(),
});

export interface WorkspaceOptions {
  /** `--repo NAME=PATH`, repeatable; relative to the current folder. */
  repo?: string[] | undefined;
  /** `--context FILE|DIR`, repeatable; relative to the current folder. */
  context?: string[] | undefined;
  /** `--workspace FILE` (or PLANDRAFT_WORKSPACE for `serve`). */
  workspace?: string | undefined;
}

/**
 * The workspace a draft reads: the named workspace file, else `plandraft.workspace.yaml` in
 * `cwd` when no `--repo` or `--context` is given, plus the options (which win over the file for
 * the same repository). Undefined when there is none. Every problem names the file and the fix.
 */
export async function loadWorkspace(
  options: WorkspaceOptions,
  /** `templateRepos` undefined: any name (a server, whose drafts may use any offered template). */
  where: { cwd: string; templateRepos?: string[] | undefined },
): Promise<Workspace | undefined> {
  const repoOptions = options.repo ?? [];
  const contextOptions = options.context ?? [];
  let file = options.workspace ? resolve(where.cwd, options.workspace) : undefined;
  if (!file && repoOptions.length === 0 && contextOptions.length === 0) {
    const found = resolve(where.cwd, WORKSPACE_FILE);
    if (await isFile(found)) file = found;
  }
  const repositories = new Map<string, { path: string; from: string }>();
  const context: { path: string; from: string }[] = [];
  if (file) {
    const parsed = await readWorkspaceFile(file);
    const base = dirname(file);
    for (const [name, path] of Object.entries(parsed.repositories ?? {}))
      repositories.set(name, { path: resolve(base, path), from: basename(file) });
    for (const path of parsed.context ?? [])
      context.push({ path: resolve(base, path), from: basename(file) });
  }
  for (const option of repoOptions) {
    const equals = option.indexOf("=");
    if (equals <= 0 || equals === option.length - 1) {
      throw new AppError("USAGE", `--repo ${option}: expected NAME=PATH`, {
        hint: "e.g. --repo /gain=../gain",
      });
    }
    repositories.set(option.slice(0, equals), {
      path: resolve(where.cwd, option.slice(equals + 1)),
      from: "--repo",
    });
  }
  for (const path of contextOptions)
    context.push({ path: resolve(where.cwd, path), from: "--context" });
  if (!file && repositories.size === 0 && context.length === 0) return undefined;

  const mapped: Workspace["repositories"] = [];
  for (const [given, { path, from }] of repositories) {
    const name = where.templateRepos ? templateName(given, where.templateRepos) : given;
    if (!name) {
      const known = where.templateRepos?.join(", ") || "none";
      throw new AppError(
        "WORKSPACE_INVALID",
        `${from}: unknown repository ${given}: the template names ${known}`,
        { hint: "use one of the template's repository names, or remove it" },
      );
    }
    if (!(await isFolder(path))) {
      throw new AppError(
        "WORKSPACE_INVALID",
        `${from}: ${name} maps to ${path}, which is not a folder`,
        {
          hint: file
            ? `fix the path (paths in ${basename(file)} are relative to its folder)`
            : "fix the path (relative to the current folder)",
        },
      );
    }
    if (!(await isCheckout(path))) {
      throw new AppError(
        "WORKSPACE_INVALID",
        `${from}: ${name} maps to ${path}, which is not a git checkout`,
        {
          hint: "map the top folder of a git clone (plandraft reads the files git tracks)",
        },
      );
    }
    mapped.push({ name, path });
  }
  for (const { path, from } of context) {
    if (!(await exists(path))) {
      throw new AppError("WORKSPACE_INVALID", `${from}: context doc ${path} does not exist`, {
        hint: "fix the path, or remove it",
      });
    }
  }
  return {
    source: file ? basename(file) : "--repo",
    repositories: mapped,
    context: context.map((c) => c.path),
  };
}

async function readWorkspaceFile(file: string): Promise<z.infer<typeof WorkspaceFile>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new AppError("WORKSPACE_INVALID", `workspace file ${file} cannot be read`, {
      hint: `name an existing file, or create ${WORKSPACE_FILE} (see the README's Workspace section)`,
    });
  }
  // The YAML parser loads only when there is a workspace file to read. Its default export: the
  // CLI's bundle gives a CommonJS package's dynamic import no named exports.
  const { default: YAML } = await import("yaml");
  let value: unknown;
  try {
    value = YAML.parse(text) ?? {};
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new AppError("WORKSPACE_INVALID", `${basename(file)} is not valid YAML: ${reason}`, {
      hint: "fix the YAML",
    });
  }
  const parsed = WorkspaceFile.safeParse(value);
  if (!parsed.success) {
    const problems = schemaProblems(parsed.error, "(top)");
    throw new AppError("WORKSPACE_INVALID", `${basename(file)}: ${problems}`, {
      hint: "it holds `repositories:` (name: folder) and `context:` (a list of files or folders)",
    });
  }
  return parsed.data;
}

/** The template's name for a repository: as given, or with the leading slash it left out. */
function templateName(given: string, templateRepos: string[]): string | undefined {
  return templateRepos.find((r) => r === given || r === `/${given.replace(/^\/+/, "")}`);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
