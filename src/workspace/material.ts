import { readContextDocs } from "./context-docs.js";
import type { DigestCache } from "./digest-cache.js";
import type { Grounding, Workspace, WorkspaceMaterial } from "./types.js";

/**
 * Reads a workspace once for a draft: each mapped checkout's digest (from the cache when its
 * commit was read before) and the context docs. The grounding is what the draft keeps of it.
 */
export async function readWorkspace(
  workspace: Workspace,
  options: { cache: DigestCache; templateRepos: string[]; tokens: number },
): Promise<{ material: WorkspaceMaterial; grounding: Grounding }> {
  // A server's workspace may map repositories this draft's template does not name: not read.
  const wanted = workspace.repositories.filter((r) => options.templateRepos.includes(r.name));
  const digests = await Promise.all(wanted.map((r) => options.cache.digest(r.name, r.path)));
  const context = await readContextDocs(workspace.context);
  const mapped = new Set(digests.map((d) => d.name));
  return {
    material: { digests, context: context.chunks, tokens: options.tokens },
    grounding: {
      repositories: digests.map((d) => ({
        name: d.name,
        commit: d.commit,
        dirty: d.dirty,
        filesRead: d.filesRead,
      })),
      unmapped: options.templateRepos.filter((r) => !mapped.has(r)),
      contextDocs: context.docs,
    },
  };
}
