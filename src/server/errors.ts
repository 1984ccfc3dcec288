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
import type { z } from "zod";
import { ERROR_CODES, type ErrorCode } from "../error-codes.js";
import { isAppError, type AppError } from "../errors.js";
import type { ErrorBody } from "./schemas.js";

type ErrorAnswer = z.infer<typeof ErrorBody>;

/** Answers with an error code, under the status its row in ERROR_CODES gives. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.status(ERROR_CODES[code].status).send({ code, message } satisfies ErrorAnswer);
}

/**
 * One error shape for every answer, `{ code, message }`: an AppError answers with its own status,
 * code and message; a validation error with 400 and what was wrong; a client error raised by
 * Fastify or a plugin under our code; anything else with a 500 that says only that something
 * failed (the detail goes to the log, with the request id). Every status is the code's own.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, "request failed");
      if (error.retryAfterS !== undefined)
        void reply.header("retry-after", String(error.retryAfterS));
      if (error.headers) void reply.headers(error.headers);
      return sendError(reply, error.code, messageOf(error));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const problems = error.validation.map(
        (v) => `${v.instancePath.replace(/^\//, "") || "body"}: ${v.message}`,
      );
      return sendError(reply, "INVALID_REQUEST", problems.join("; "));
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const { code, message } = clientErrorBody(status, error.code);
      return sendError(reply, code, message);
    }
    request.log.error({ err: error }, "request failed");
    return sendError(reply, "INTERNAL", `something failed on the server (request ${request.id})`);
  });
  // The SSE plugin answers a client that refuses text/event-stream itself; keep our error shape.
  app.addHook("onSend", async (_request, reply, payload) =>
    reply.statusCode === 406
      ? JSON.stringify({
          code: "NOT_ACCEPTABLE",
          message: "this route answers only text/event-stream (send Accept: text/event-stream)",
        } satisfies ErrorAnswer)
      : payload,
  );
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      "NOT_FOUND",
      `no route ${request.method} ${printable(request.url.split("?")[0] ?? "")}`,
    ),
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
  const { code, message } = clientErrorBody(error.statusCode ?? 400, error.code);
  void sendError(reply, code, message);
};

/**
 * Requests Node's HTTP parser refuses (malformed, headers too large, too slow) never reach
 * Fastify: answer them in our shape on the raw socket.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const answer = clientErrorBody(400, error.code);
  const status = ERROR_CODES[answer.code].status;
  const body = JSON.stringify(answer);
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
const KNOWN: Record<string, [code: ErrorCode, message: string]> = {
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

/**
 * For client errors with no code of ours: a code and a plain message from the status alone.
 * Each code's own status is the one it stands for here.
 */
const BY_STATUS: Record<number, [code: ErrorCode, message: string]> = {
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
 * none is written for the person reading it. A client error this table does not foresee is
 * INVALID_REQUEST, so it answers 400; its own status is named in the message.
 */
function clientErrorBody(status: number, code: string | undefined) {
  const [ourCode, message] = (code === undefined ? undefined : KNOWN[code]) ??
    BY_STATUS[status] ?? ["INVALID_REQUEST", `the request was refused (${status})`];
  return { code: ourCode, message } satisfies ErrorAnswer;
}

/** Control characters and over-long input stay out of a message that repeats the request. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}

function messageOf(error: AppError): string {
  return error.hint ? `${error.message} (${error.hint})` : error.message;
}
