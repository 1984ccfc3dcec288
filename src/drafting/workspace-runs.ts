import type { Deps } from "../deps.js";
import type { DraftLayout } from "../../graphs/plan-drafter/topology.js";
import { templateRepos } from "../../graphs/plan-drafter/topology.js";
import { readWorkspace } from "../workspace/material.js";
import type { Grounding, Workspace, WorkspaceMaterial } from "../workspace/types.js";

/** What a run reads of a workspace: the parts for its sections, and what the draft keeps of it. */
export interface WorkspaceRead {
  material: WorkspaceMaterial;
  grounding: Grounding;
}

/** Reads `workspace` (a request's, else the deps' own: a server's) for a run of `layout`. */
export async function readForRun(
  deps: Deps,
  layout: DraftLayout,
  workspace: Workspace | undefined = deps.workspace,
): Promise<WorkspaceRead | undefined> {
  if (!workspace) return undefined;
  return await readWorkspace(workspace, {
    cache: deps.digests,
    templateRepos: templateRepos(layout),
    tokens: deps.config.contextTokens,
  });
}

/**
 * The workspace parts for a run that continues a draft (a resume, a revision): its workspace
 * (the CLI's, else the deps' own: a server's) read again, only when the draft was grounded and every repository it was grounded
 * in is still at that commit. A checkout that moved would give sections of one plan two
 * different commits under one "Drafted against" line: they are drafted from the doc alone.
 */
export async function readToContinue(
  deps: Deps,
  layout: DraftLayout,
  grounded: Grounding | undefined,
  workspace: Workspace | undefined = deps.workspace,
): Promise<WorkspaceMaterial | undefined> {
  if (!grounded || grounded.repositories.length === 0) return undefined;
  const read = await readForRun(deps, layout, workspace);
  if (!read) return undefined;
  const now = new Map(read.grounding.repositories.map((r) => [r.name, r]));
  const same = grounded.repositories.every((r) => {
    const current = now.get(r.name);
    return current?.commit === r.commit && current.dirty === r.dirty && !r.dirty;
  });
  return same ? read.material : undefined;
}
