import type { DraftService, NewDraftRequest } from "../drafting/draft-service.js";
import { AppError } from "../errors.js";
import type { FastifyBaseLogger } from "fastify";

/**
 * Runs drafts in the server process, at most `maxRunning` at once. A draft keeps running when
 * the client that asked for it goes away; the runner logs how each one ends.
 */
export function createDraftRunner(
  service: DraftService,
  maxRunning: number,
  log: FastifyBaseLogger,
) {
  const running = new Map<string, Promise<unknown>>();
  return {
    get running(): number {
      return running.size;
    },
    async start(request: NewDraftRequest): Promise<string> {
      if (running.size >= maxRunning) {
        throw new AppError(
          "TOO_MANY_DRAFTS",
          `${running.size} drafts are running, the most this server runs at once`,
          {
            hint: "try again shortly, or raise PLANDRAFT_MAX_RUNNING",
          },
        );
      }
      const { id, done } = await service.begin(request);
      const settled = done.then(
        (result) =>
          log.info({ draft: id, status: result.status, usage: result.usage }, "draft ended"),
        (error: unknown) => log.error({ draft: id, err: error }, "draft stopped"),
      );
      running.set(id, settled);
      void settled.finally(() => running.delete(id));
      return id;
    },
  };
}

export type DraftRunner = ReturnType<typeof createDraftRunner>;
