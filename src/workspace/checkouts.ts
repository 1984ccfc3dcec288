import { checkoutState, trackedFiles } from "./git.js";
import type { CheckoutFiles, RepoDigest, Workspace } from "./types.js";

/** Each mapped checkout's commit and tracked files, as they are now: what `check` judges paths by. */
export async function readCheckouts(workspace: Workspace): Promise<CheckoutFiles[]> {
  return Promise.all(
    workspace.repositories.map(async (r) => {
      const [state, files] = await Promise.all([checkoutState(r.path), trackedFiles(r.path)]);
      return { name: r.name, commit: state.commit, files };
    }),
  );
}

/** The checkouts a draft read, from its digests: the same commits its sections were grounded in. */
export function checkoutsOf(digests: readonly RepoDigest[]): CheckoutFiles[] {
  return digests.map((d) => ({ name: d.name, commit: d.commit, files: d.files }));
}
