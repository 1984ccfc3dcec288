import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { OfferedTemplates } from "../../template/offered.js";
import type { Deps } from "../../deps.js";
import { createDraftService, removeDraft } from "../../drafting/draft-service.js";
import { findDraft, listDrafts } from "../../drafting/find-draft.js";
import { AppError } from "../../errors.js";
import { draftSummary, type DraftRecord } from "../../store/draft-store.js";
import { sectionStates } from "../../events/section-states.js";
import { START } from "../../events/stream-event.js";
import { streamDraftEvents, type OpenStreams } from "../event-stream.js";
import { draftRequestOf } from "../feature-input.js";
import { links } from "./links.js";
import type { DraftRunner } from "../../drafting/runner.js";
import {
  CreateDraftQuery,
  DraftAccepted,
  DraftDetail,
  DraftList,
  DraftParams,
  ErrorBody,
  ListQuery,
  PlanQuery,
} from "../schemas.js";

export interface DraftRoutesOptions {
  deps: Deps;
  runner: DraftRunner;
  templates: OfferedTemplates;
  streams: OpenStreams;
}

const summaryOf = (draft: DraftRecord) => ({ ...draftSummary(draft), links: links(draft.id) });

export const draftRoutes: FastifyPluginAsyncZod<DraftRoutesOptions> = (
  app,
  { deps, runner, templates, streams },
) => {
  app.post(
    "/v1/drafts",
    {
      sse: "dual",
      config: { rateLimit: { max: deps.config.server.rateLimit, timeWindow: "1 minute" } },
      schema: {
        summary:
          "Start a draft from a feature doc (JSON, text/markdown, or a multipart file upload). " +
          "With Accept: text/event-stream, the response is the draft's event stream.",
        querystring: CreateDraftQuery,
        response: {
          202: DraftAccepted,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          413: ErrorBody,
          415: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { id, status } = await runner.start(
        await draftRequestOf(request, deps.config, templates),
      );
      void reply.header("location", `/v1/drafts/${id}`);
      if (reply.sse) return streamDraftEvents(deps, id, START, reply, streams, runner);
      return reply.status(202).send({ id, status, links: links(id) });
    },
  );

  app.get(
    "/v1/drafts",
    {
      schema: {
        summary: "Drafts, newest first",
        querystring: ListQuery,
        response: { 200: DraftList },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const drafts = await listDrafts(deps, limit + 1, offset);
      const next =
        drafts.length > limit ? `/v1/drafts?limit=${limit}&offset=${offset + limit}` : null;
      return { drafts: drafts.slice(0, limit).map(summaryOf), next };
    },
  );

  app.get(
    "/v1/drafts/:id",
    {
      schema: {
        summary: "One draft, with where each of its sections stands",
        params: DraftParams,
        response: { 200: DraftDetail, 404: ErrorBody },
      },
    },
    async (request) => {
      const draft = await findDraft(deps, request.params.id);
      const events = await deps.events.outline(draft.id);
      const review =
        draft.status === "awaiting_review"
          ? (await createDraftService(deps).gate(draft.id)).gate
          : null;
      return {
        ...summaryOf(draft),
        sections: sectionStates(events, draft.status === "running"),
        review,
      };
    },
  );

  app.get(
    "/v1/drafts/:id/plan.md",
    {
      schema: {
        summary: "The plan as markdown: the latest version, or ?version=N",
        params: DraftParams,
        querystring: PlanQuery,
        response: {
          200: z.string().describe("the plan, text/markdown"),
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const draft = await findDraft(deps, request.params.id);
      const version = await deps.drafts.version(draft.id, request.query.version);
      if (!version && request.query.version !== undefined) {
        throw new AppError(
          "VERSION_NOT_FOUND",
          `draft ${draft.id} has no version ${request.query.version} (it has ${draft.versions})`,
        );
      }
      if (!version)
        throw new AppError(
          "PLAN_NOT_READY",
          `draft ${draft.id} is ${draft.status}: its plan is not ready yet`,
        );
      return reply
        .type("text/markdown; charset=utf-8")
        .header("x-plan-version", String(version.version))
        .send(version.markdown);
    },
  );

  app.delete(
    "/v1/drafts/:id",
    {
      schema: {
        summary: "Delete a draft with its versions and checkpoints",
        params: DraftParams,
        response: { 204: z.null().describe("deleted"), 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      await removeDraft(deps, request.params.id);
      return reply.status(204).send(null);
    },
  );
  return Promise.resolve();
};
