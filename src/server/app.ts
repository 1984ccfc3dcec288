import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import multipart from "@fastify/multipart";
import rateLimit, { type FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import { fastifySSE } from "@fastify/sse";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyServerOptions } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Deps } from "../deps.js";
import { createDraftService } from "../drafting/draft-service.js";
import { AppError } from "../errors.js";
import { guardAccess } from "./access.js";
import { postgresRateStore } from "./rate-limit-store.js";
import { safeLogger } from "./logger.js";
import { clientErrorHandler, frameworkErrors, registerErrorHandler, sendError } from "./errors.js";
import { registerBodyParsers } from "./body-parsers.js";
import { registerPage } from "./page.js";
import { ServerConfig } from "./schemas.js";
import type { OpenStreams } from "./event-stream.js";
import { draftRoutes } from "./routes/drafts.js";
import { runRoutes } from "./routes/runs.js";
import { loadOfferedTemplates, type OfferedTemplates } from "../template/offered.js";
import { createDraftRunner, type DraftRunner } from "../drafting/runner.js";
import { joinCluster } from "../drafting/queue/cluster.js";
import { headCommit } from "../workspace/git.js";

/**
 * The HTTP API as a Fastify app, and the runner of its drafts. It never listens: `startServer` (and the tests) do. Every route
 * validates with zod schemas, which also make the OpenAPI document served at /docs.
 */
export async function buildServer(
  deps: Deps,
  options: {
    logger?: FastifyServerOptions["logger"];
    /** The templates it offers; default: read from the config's folder now. */
    templates?: OfferedTemplates;
    /** On Postgres: whether this process also runs drafts (`all`) or only takes requests. */
    role?: "all" | "api";
  } = {},
) {
  const app = Fastify({
    logger: safeLogger(options.logger, deps.redact),
    bodyLimit: deps.config.server.bodyLimit,
    genReqId: () => crypto.randomUUID(),
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  const { server } = deps.config;
  await app.register(helmet, {
    contentSecurityPolicy: {
      // No inline scripts (the page loads its built bundle); mermaid's SVG carries inline
      // styles. A plain-HTTP server on a laptop must not have its requests upgraded to HTTPS.
      directives: { upgradeInsecureRequests: null },
    },
  });
  if (server.corsOrigins.length > 0) await app.register(cors, { origin: server.corsOrigins });
  const routes = guardAccess(app, {
    token: server.apiToken,
    allowedHosts: server.allowedHosts,
    corsOrigins: server.corsOrigins,
  });
  await app.register(rateLimit, {
    global: false,
    // On Postgres the limit holds across the cluster's API nodes: they count in one table.
    ...(deps.db.kind === "postgres"
      ? { store: postgresRateStore(deps.db.pool) as unknown as FastifyRateLimitStoreCtor }
      : {}),
    errorResponseBuilder: (_request, context) =>
      new AppError(
        "RATE_LIMITED",
        `more than ${context.max} new drafts or revisions a minute from this address`,
        { hint: `try again in ${context.after}`, retryAfterS: Math.ceil(context.ttl / 1000) },
      ),
  });
  await app.register(fastifySSE, { heartbeatInterval: server.heartbeatMs });
  await app.register(multipart, {
    limits: { files: 1, fields: 8, fileSize: deps.config.server.bodyLimit },
  });
  registerBodyParsers(app);
  await app.register(swagger, {
    openapi: {
      info: {
        title: "plandraft",
        description: "Draft implementation plans from feature docs",
        version: "0.1.0",
      },
    },
    transform: jsonSchemaTransform,
    // Schemas with an id (the stream's events) become components, referred to by name.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  const { runner, leave } = await draftRunnerOf(deps, options.role ?? "all", app.log);
  const streams: OpenStreams = new Set();
  // On close: interrupt running drafts first, which stay resumable (a worker hands them to
  // another), so that what they sent up to the stop reaches their clients; then end the event
  // streams (clients reconnect, to this server once it is back, and miss nothing: a section
  // that finished meanwhile is not replayed to a client that missed the end of its text).
  app.addHook("preClose", async () => {
    await runner.stop();
    await leave();
    for (const end of [...streams]) end();
  });
  const templates = options.templates ?? (await loadOfferedTemplates(deps.config.templatesDir));
  app.get("/healthz", { schema: { hide: true } }, () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    try {
      await deps.db.pool.query("SELECT 1");
      return { status: "ready", database: deps.db.where };
    } catch {
      return sendError(reply, "DATABASE_UNREACHABLE", "the database cannot be reached");
    }
  });
  const { config } = deps;
  app.get(
    "/v1/config",
    {
      schema: {
        summary: "What this server offers: models, templates, limits, the repositories it reads",
        response: { 200: ServerConfig },
      },
    },
    async () => ({
      defaultModel: config.model,
      models: config.models ?? [...new Set([config.model, "none"])],
      anyModel: config.models === undefined,
      maxFeatureBytes: config.maxFeatureBytes,
      templates: templates.list.map(({ id, title }) => ({ id, title })),
      // Names and commits only: a local path says nothing a client can use, and tells too much.
      workspace: deps.workspace
        ? {
            repositories: await Promise.all(
              deps.workspace.repositories.map(async ({ name, path }) => ({
                name,
                commit: (await headCommit(path)) ?? null,
              })),
            ),
          }
        : null,
    }),
  );
  await app.register(draftRoutes, { deps, runner, templates, streams });
  await app.register(runRoutes, { deps, runner, templates, streams });
  await registerPage(app);
  return { app, runner, routes };
}

/**
 * On Postgres, drafts go through the cluster's queue (this process a worker too, unless its role
 * is `api`); on the embedded store, which one process holds, they run here in turn.
 */
async function draftRunnerOf(
  deps: Deps,
  role: "all" | "api",
  log: FastifyBaseLogger,
): Promise<{ runner: DraftRunner; leave: () => Promise<void> }> {
  if (deps.db.kind === "postgres") {
    const cluster = await joinCluster(deps, role, log);
    return { runner: cluster.runner, leave: () => cluster.leave() };
  }
  if (role !== "all") {
    throw new AppError("USAGE", "an API node without workers needs Postgres (DATABASE_URL)", {
      hint: "set DATABASE_URL, or run `plandraft serve` without --role on the embedded store",
    });
  }
  const runner = createDraftRunner(createDraftService(deps), deps.config.server, log);
  return { runner, leave: () => Promise.resolve() };
}

/** The app alone, for callers that do not run drafts themselves (tests with inject). */
export async function buildApp(
  deps: Deps,
  options: { logger?: FastifyServerOptions["logger"] } = {},
) {
  return (await buildServer(deps, options)).app;
}
