import type { Config } from "../config.js";
import { createDeps } from "../deps.js";
import { loadWorkspace } from "../workspace/load.js";
import { AppError } from "../errors.js";
import { loadOfferedTemplates } from "../template/offered.js";
import { buildServer } from "./app.js";
import { assertSafeToListen } from "./access.js";
import { sweepEveryHour } from "./sweep.js";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
  /** Settles once the server has closed. */
  closed: Promise<void>;
}

/**
 * `plandraft serve`: builds the app on the shared composition root, listens, resumes the drafts
 * it was running when it last stopped, and closes gracefully on SIGTERM or SIGINT (stops
 * accepting, lets open requests finish, closes the store; running drafts stay resumable).
 */
export async function startServer(
  config: Config,
  io: { stderr: NodeJS.WritableStream },
  role: "all" | "api" = "all",
): Promise<RunningServer> {
  assertSafeToListen(config.server.host, config.server);
  // Checked before the store opens: a template folder that cannot work stops the start at once.
  const templates = await loadOfferedTemplates(config.templatesDir);
  const owner = `server:${config.server.id}`;
  // Checked at start: a server with a broken workspace file does not start.
  const workspace = config.workspaceFile
    ? await loadWorkspace({ workspace: config.workspaceFile }, { cwd: process.cwd() })
    : undefined;
  const deps = await createDeps(config, { owner, workspace });
  const { app, runner } = await buildServer(deps, {
    logger: { level: "info" },
    templates,
    role,
  }).catch(async (error: unknown) => {
    await deps.close();
    throw error;
  });
  let url: string;
  try {
    url = await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await app.close(); // lets go of the queue and its workers too
    await deps.close();
    throw new AppError(
      "SERVER_LISTEN_FAILED",
      `cannot listen on ${config.server.host}:${config.server.port}: ${(error as Error).message}`,
      {
        hint: "choose another --port or --host, or stop what uses it",
        cause: error,
      },
    );
  }
  // Its unfinished drafts wait their turn like new ones, shown as queued until each resumes. On
  // Postgres the queue keeps them, and any worker resumes them.
  const unfinished = deps.db.kind === "embedded" ? await deps.drafts.ownedBy(owner) : [];
  for (const draft of unfinished) await deps.drafts.requeue(draft.id, owner);
  for (const draft of unfinished) await runner.resume(draft.id);
  if (unfinished.length > 0)
    io.stderr.write(`plandraft: resuming ${unfinished.length} unfinished draft(s)\n`);
  io.stderr.write(
    `plandraft: serving on ${url} (API docs at ${url}/docs), drafts in ${deps.db.where}\n`,
  );
  const stopSweeping = sweepEveryHour(deps.db, config, app.log);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await stopSweeping();
      await app.close();
      await deps.close();
    })());
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void close());
  const closed = new Promise<void>((resolve) => app.server.once("close", () => resolve()));
  return { url, close, closed };
}
