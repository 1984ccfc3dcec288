import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, isAppError } from "../errors.js";

/**
 * One error shape for every answer, `{ code, message }`: an AppError answers with its own status,
 * code and message; a validation error with 400 and what was wrong; a client error raised by
 * Fastify or a plugin with its own status under our code; anything else with a 500 that says
 * only that something failed (the detail goes to the log, with the request id).
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, "request failed");
      if (error.retryAfterS !== undefined)
        void reply.header("retry-after", String(error.retryAfterS));
      if (error.headers) void reply.headers(error.headers);
      return reply.status(error.status).send({ code: error.code, message: messageOf(error) });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const problems = error.validation.map(
        (v) => `${v.instancePath.replace(/^\//, "") || "body"}: ${v.message}`,
      );
      return reply.status(400).send({ code: "INVALID_REQUEST", message: problems.join("; ") });
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send(clientErrorBody(status, error.code));
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
      message: `no route ${request.method} ${printable(request.url.split("?")[0] ?? "")}`,
    }),
  );
}

/**
 * Errors Fastify raises before any route runs (a path that does not decode, a path segment
 * longer than the router takes), in our shape. Given to the Fastify constructor.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions["frameworkErrors"]> = (
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
) => {
  const status = error.statusCode ?? 400;
  void reply.status(status).send(clientErrorBody(status, error.code));
};

/**
 * Requests Node's HTTP parser refuses (malformed, headers too large, too slow) never reach
 * Fastify: answer them in our shape on the raw socket.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const status =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? 408
      : error.code === "HPE_HEADER_OVERFLOW"
        ? 431
        : 400;
  const body = JSON.stringify(clientErrorBody(status, error.code));
  // An answer to HEAD has no body, even when the rest of its request could not be read.
  const head = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString() === "HEAD ";
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${head ? "" : body}`,
    );
  }
  socket.destroy();
}

/** Fastify's, its plugins' and Node's client errors, under our codes and in our words. */
const KNOWN: Record<string, [code: string, message: string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ["BODY_TOO_LARGE", "the request body is over the size limit"],
  FST_REQ_FILE_TOO_LARGE: ["BODY_TOO_LARGE", "the uploaded file is over the size limit"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    "UNSUPPORTED_MEDIA_TYPE",
    "this content type is not accepted (send application/json, text/markdown or multipart/form-data)",
  ],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [
    "UNSUPPORTED_MEDIA_TYPE",
    "this route takes a multipart upload only where it says so",
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: ["INVALID_REQUEST", "the JSON body is empty"],
  FST_ERR_CTP_INVALID_JSON_BODY: ["INVALID_JSON", "the body is not valid JSON"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    "INVALID_REQUEST",
    "the Content-Length does not match the body",
  ],
  FST_ERR_BAD_URL: ["INVALID_URL", "the path is not valid (a percent-escape does not decode)"],
  FST_ERR_MAX_PARAM_LENGTH: ["URL_TOO_LONG", "a part of the path is longer than any id"],
  HPE_HEADER_OVERFLOW: ["HEADERS_TOO_LARGE", "the request headers are too large"],
  ERR_HTTP_REQUEST_TIMEOUT: ["REQUEST_TIMEOUT", "the request took too long to arrive"],
};

/** For client errors with no code of ours: a code and a plain message from the status alone. */
const BY_STATUS: Record<number, [code: string, message: string]> = {
  400: ["INVALID_REQUEST", "the request is malformed"],
  403: ["FORBIDDEN", "this path is not served"],
  404: ["NOT_FOUND", "nothing is served at this path"],
  405: ["METHOD_NOT_ALLOWED", "this method is not allowed here"],
  406: ["NOT_ACCEPTABLE", "this route cannot answer in a type the request accepts"],
  408: ["REQUEST_TIMEOUT", "the request took too long to arrive"],
  413: ["BODY_TOO_LARGE", "the request body is over the size limit"],
  414: ["URL_TOO_LONG", "the URL is too long"],
  415: ["UNSUPPORTED_MEDIA_TYPE", "this content type is not accepted"],
  416: ["RANGE_NOT_SATISFIABLE", "the requested range is outside the file"],
  431: ["HEADERS_TOO_LARGE", "the request headers are too large"],
};

/**
 * The plugin's own message is not passed on: some repeat the request (a path, a header) and
 * none is written for the person reading it.
 */
function clientErrorBody(status: number, code: string | undefined) {
  const [ourCode, message] = (code && KNOWN[code]) ??
    BY_STATUS[status] ?? ["INVALID_REQUEST", `the request was refused (${status})`];
  return { code: ourCode, message };
}

/** Control characters and over-long input stay out of a message that repeats the request. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}

function messageOf(error: AppError): string {
  return error.hint ? `${error.message} (${error.hint})` : error.message;
}
