import type { FastifyInstance } from "fastify";
import { AppError } from "../errors.js";

/**
 * Bodies are read as bytes: a markdown, HTML, PDF or Word body is the feature doc (read and
 * checked by the same rules as a file); a JSON body that does not decode is refused as a whole, rather than
 * reaching the draft with its bad bytes replaced.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser(
    [
      "text/markdown",
      "text/plain",
      "text/html",
      "application/xhtml+xml",
      "application/pdf",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ],
    { parseAs: "buffer" },
    (_request, body, done) => done(null, body),
  );
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const bytes = body as Buffer;
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      done(
        new AppError("BODY_NOT_UTF8", "the request body is not valid UTF-8 text", {
          hint: "send JSON encoded as UTF-8",
        }),
        undefined,
      );
      return;
    }
    void parseJson(request, text, done);
  });
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
