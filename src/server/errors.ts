import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, isAppError } from "../errors.js";

/**
 * One error handler: an AppError answers with its own status, code and message; a validation
 * error with 400 and what was wrong; anything else with a 500 that says only that something
 * failed (the detail goes to the log, with the request id).
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, "request failed");
      if (error.retryAfterS !== undefined)
        void reply.header("retry-after", String(error.retryAfterS));
      return reply.status(error.status).send({ code: error.code, message: messageOf(error) });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const problems = error.validation.map(
        (v) => `${v.instancePath.replace(/^\//, "") || "body"}: ${v.message}`,
      );
      return reply.status(400).send({ code: "INVALID_REQUEST", message: problems.join("; ") });
    }
    const known = KNOWN[error.code];
    if (known && error.statusCode && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ code: known, message: error.message });
    }
    request.log.error({ err: error }, "request failed");
    return reply.status(500).send({
      code: "INTERNAL",
      message: `something failed on the server (request ${request.id})`,
    });
  });
  // The SSE plugin answers a client that refuses text/event-stream itself; keep our error shape.
  app.addHook("onSend", async (_request, reply, payload) =>
    reply.statusCode === 406
      ? JSON.stringify({
          code: "NOT_ACCEPTABLE",
          message: "this route answers only text/event-stream (send Accept: text/event-stream)",
        })
      : payload,
  );
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      code: "NOT_FOUND",
      message: `no route ${request.method} ${request.url.split("?")[0]}`,
    }),
  );
}

/** Fastify's own client errors, under our codes. */
const KNOWN: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INVALID_REQUEST",
  FST_ERR_CTP_INVALID_JSON_BODY: "INVALID_JSON",
  FST_INVALID_MULTIPART_CONTENT_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_REQ_FILE_TOO_LARGE: "BODY_TOO_LARGE",
};

function messageOf(error: AppError): string {
  return error.hint ? `${error.message} (${error.hint})` : error.message;
}
