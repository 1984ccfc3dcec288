import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { cancelDraft } from "../../drafting/cancel-draft.js";
import { z } from "zod";
import { findDraft } from "../../drafting/find-draft.js";
import { AppError } from "../../errors.js";
import { ReviewAnswer, StreamEventSchema } from "../../events/contract.js";
import { parseId, START, type StreamPosition } from "../../events/stream-event.js";
import { streamDraftEvents } from "../event-stream.js";
import {
  CancelAnswer,
  DraftAccepted,
  DraftParams,
  ErrorBody,
  EventsQuery,
  RevisionBody,
} from "../schemas.js";
import type { DraftRoutesOptions } from "./drafts.js";
import { links } from "./links.js";

/** Watching a draft's runs, starting a revision, and stopping a run. */
/** What a POST that starts a run on a draft answers: accepted, or refused saying why. */
const ACCEPTED_OR_REFUSED = {
  202: DraftAccepted,
  400: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  429: ErrorBody,
};

export const runRoutes: FastifyPluginAsyncZod<DraftRoutesOptions> = (
  app,
  { deps, runner, streams },
) => {
  app.get(
    "/v1/drafts/:id/events",
    {
      sse: "only",
      schema: {
        summary:
          "The draft's events (Server-Sent Events): draft.started first, then section.started / " +
          "section.grounded / section.delta / section.completed / section.failed, then " +
          "draft.completed or draft.failed. " +
          "Reconnect with Last-Event-ID (or ?after=) to get exactly what you missed.",
        description:
          "Each event's `event:` name and `data:` (JSON) are one member of the StreamEvent " +
          "schema below: the same contract the server writes, the CLI reads and the page uses.",
        params: DraftParams,
        querystring: EventsQuery,
        produces: ["text/event-stream"],
        response: {
          200: StreamEventSchema,
          204: z.null().describe("the draft has finished and there is nothing after that id"),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const draft = await findDraft(deps, request.params.id);
      const header = request.headers["last-event-id"];
      const after = positionOf(typeof header === "string" ? header : request.query.after);
      await streamDraftEvents(deps, draft.id, after, reply, streams, runner);
    },
  );

  app.post(
    "/v1/drafts/:id/revisions",
    {
      config: { rateLimit: { max: deps.config.server.rateLimit, timeWindow: "1 minute" } },
      schema: {
        summary:
          "Re-draft one section with feedback (and, with cascade, the sections that depend on " +
          "it) as the draft's next version; its events arrive on the draft's event stream",
        params: DraftParams,
        body: RevisionBody,
        response: ACCEPTED_OR_REFUSED,
      },
    },
    async (request, reply) => {
      const { id, status } = await runner.revise(request.params.id, request.body);
      return reply.status(202).send({ id, status, links: links(id) });
    },
  );

  app.post(
    "/v1/drafts/:id/review",
    {
      schema: {
        summary:
          "Answer a draft waiting at its review gate: approve (with the brief edited and " +
          "questions answered) and it drafts on, its events arriving on the draft's event " +
          "stream; or stop it (approve: false), which ends it as cancelled",
        params: DraftParams,
        body: ReviewAnswer,
        response: ACCEPTED_OR_REFUSED,
      },
    },
    async (request, reply) => {
      const { id, status } = await runner.review(request.params.id, request.body);
      return reply.status(202).send({ id, status, links: links(id) });
    },
  );

  app.post(
    "/v1/drafts/:id/cancel",
    {
      schema: {
        summary: "Stop a running or queued draft; it ends as cancelled (and can be resumed)",
        params: DraftParams,
        response: { 200: CancelAnswer, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const draft = await findDraft(deps, request.params.id);
      // At the review gate no runner holds it: it ends here, as one still waiting would.
      const atGate = draft.status === "awaiting_review" && (await cancelDraft(deps, draft.id));
      if (atGate || (await runner.cancel(draft.id)))
        return { id: draft.id, status: "cancelled" as const };
      if (draft.status === "running") {
        throw new AppError("DRAFT_BUSY", `draft ${draft.id} is being drafted by another process`, {
          hint: "cancel it where it runs (Ctrl-C for the CLI)",
        });
      }
      throw new AppError(
        "DRAFT_NOT_RUNNING",
        `draft ${draft.id} is ${draft.status}: nothing to cancel`,
      );
    },
  );
  return Promise.resolve();
};

function positionOf(id: string | undefined): StreamPosition {
  if (id === undefined || id === "") return START;
  const position = parseId(id);
  if (!position) {
    throw new AppError(
      "EVENT_ID_INVALID",
      `"${id.slice(0, 40)}" is not an event id of this stream`,
      {
        hint: "send the id of the last event you received, or none to start from the beginning",
      },
    );
  }
  return position;
}
