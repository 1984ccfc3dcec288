import { pino, type LoggerOptions } from "pino";
import type { Config } from "../config.js";
import { createDeps } from "../deps.js";
import { workerOwner } from "../store/draft-owner.js";
import { safeLogger } from "./logger.js";
import { loadWorkspace } from "../workspace/load.js";
import { joinCluster } from "../drafting/queue/cluster.js";

/**
 * `plandraft worker`: runs drafts from the queue of the Postgres at DATABASE_URL, with no HTTP,
 * until SIGTERM or SIGINT; then it hands its drafts back at once, for another worker.
 */
export async function startWorker(
  config: Config,
  io: { stderr: NodeJS.WritableStream },
): Promise<{ closed: Promise<void> }> {
  const workspace = config.workspaceFile
    ? await loadWorkspace({ workspace: config.workspaceFile }, { cwd: process.cwd() })
    : undefined;
  const deps = await createDeps(config, { owner: workerOwner(), workspace });
  const log = pino(safeLogger({ level: "info" }, deps.redact) as LoggerOptions);
  const cluster = await joinCluster(deps, "worker", log).catch(async (error: unknown) => {
    await deps.close();
    throw error;
  });
  io.stderr.write(
    `plandraft: worker running up to ${config.server.maxRunning} drafts at once, from ${deps.db.where}\n`,
  );
  const closed = new Promise<void>((resolve) => {
    const stop = () => {
      void cluster
        .leave()
        .then(() => deps.close())
        .finally(resolve);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  return { closed };
}
