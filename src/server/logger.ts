import type { FastifyServerOptions } from "fastify";
import { stdSerializers } from "pino";
import type { Redact } from "../redact.js";

type LoggerOption = FastifyServerOptions["logger"];

/**
 * The server's logger as asked for, with what must never reach a log taken out: the
 * Authorization header, and secrets inside errors (an upstream's error body may repeat the key
 * it was sent, in the message or in any field of the error).
 */
export function safeLogger(logger: LoggerOption, redact: Redact): LoggerOption {
  if (!logger || typeof logger !== "object") return logger ?? false;
  return {
    ...logger,
    redact: ["req.headers.authorization", "req.headers.cookie"],
    serializers: {
      ...logger.serializers,
      err: (error: Error) =>
        JSON.parse(redact(JSON.stringify(stdSerializers.err(error)))) as ReturnType<
          typeof stdSerializers.err
        >,
    },
  };
}
