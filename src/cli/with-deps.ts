import type { Config } from "../config.js";
import { createDeps, type Deps, type DepsOverrides } from "../deps.js";

/** Opens the store for one command and always closes it, so the process can exit. */
export async function withDeps<T>(
  config: Config,
  overrides: DepsOverrides,
  use: (deps: Deps) => Promise<T>,
): Promise<T> {
  const deps = await createDeps(config, overrides);
  try {
    return await use(deps);
  } finally {
    await deps.close();
  }
}
