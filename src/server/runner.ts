import type { FastifyBaseLogger } from "fastify";
import type { DraftService, NewDraftRequest } from "../drafting/draft-service.js";
import { AppError } from "../errors.js";

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
  const track = (id: string, done: Promise<{ status: string; usage: unknown }>) => {
    const settled = done.then(
      (result) =>
        log.info({ draft: id, status: result.status, usage: result.usage }, "draft ended"),
      (error: unknown) => log.error({ draft: id, err: error }, "draft stopped"),
    );
    running.set(id, settled);
    void settled.finally(() => running.delete(id));
  };
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
      track(id, done);
      return id;
    },
    /** Picks up a draft this server was running when it stopped, from its last checkpoint. */
    resume(id: string): void {
      track(id, service.resume(id));
    },
  };
}

export type DraftRunner = ReturnType<typeof createDraftRunner>;
