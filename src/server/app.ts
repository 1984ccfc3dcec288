import { readFile } from "node:fs/promises";
import helmet from "@fastify/helmet";
import multipart from "@fastify/multipart";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyServerOptions } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Deps } from "../deps.js";
import { createDraftService } from "../drafting/draft-service.js";
import { DEFAULT_TEMPLATE_PATH } from "../package-root.js";
import { registerErrorHandler } from "./errors.js";
import { draftRoutes } from "./routes/drafts.js";
import { createDraftRunner } from "./runner.js";

/**
 * The HTTP API as a Fastify app, and the runner of its drafts. It never listens: `startServer` (and the tests) do. Every route
 * validates with zod schemas, which also make the OpenAPI document served at /docs.
 */
export async function buildServer(
  deps: Deps,
  options: { logger?: FastifyServerOptions["logger"] } = {},
) {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: deps.config.server.bodyLimit,
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  await app.register(helmet);
  await app.register(multipart, { limits: { files: 1, fileSize: deps.config.server.bodyLimit } });
  app.addContentTypeParser(
    ["text/markdown", "text/plain"],
    { parseAs: "buffer" },
    (_request, body, done) => done(null, body),
  );
  await app.register(swagger, {
    openapi: {
      info: {
        title: "plandraft",
        description: "Draft implementation plans from feature docs",
        version: "0.1.0",
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  const runner = createDraftRunner(
    createDraftService(deps),
    deps.config.server.maxRunning,
    app.log,
  );
  const defaultTemplate = await readFile(DEFAULT_TEMPLATE_PATH, "utf8");
  app.get("/healthz", { schema: { hide: true } }, () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    try {
      await deps.db.pool.query("SELECT 1");
      return { status: "ready", database: deps.db.where };
    } catch {
      return reply
        .status(503)
        .send({ code: "DATABASE_UNREACHABLE", message: "the database cannot be reached" });
    }
  });
  await app.register(draftRoutes, { deps, runner, defaultTemplate });
  return { app, runner };
}

/** The app alone, for callers that do not run drafts themselves (tests with inject). */
export async function buildApp(
  deps: Deps,
  options: { logger?: FastifyServerOptions["logger"] } = {},
) {
  return (await buildServer(deps, options)).app;
}
