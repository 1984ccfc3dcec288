import type { Config } from "../config.js";
import { createDeps } from "../deps.js";
import { buildApp } from "./app.js";

/**
 * `plandraft serve`: builds the app on the shared composition root, listens, and closes
 * gracefully on SIGTERM or SIGINT (stops accepting, lets open requests finish, closes the store).
 */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
  /** Settles once the server has closed. */
  closed: Promise<void>;
}

export async function startServer(
  config: Config,
  io: { stderr: NodeJS.WritableStream },
): Promise<RunningServer> {
  const deps = await createDeps(config);
  const app = await buildApp(deps, {
    logger: { level: "info", redact: ["req.headers.authorization"] },
  });
  let url: string;
  try {
    url = await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await deps.close();
    throw error;
  }
  io.stderr.write(
    `plandraft: serving on ${url} (API docs at ${url}/docs), drafts in ${deps.db.where}\n`,
  );
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await deps.close();
    })());
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void close());
  const closed = new Promise<void>((resolve) => app.server.once("close", () => resolve()));
  return { url, close, closed };
}
