import type { FastifyRequest } from "fastify";
import type { Config } from "../config.js";
import type { NewDraftRequest } from "../drafting/draft-service.js";
import { AppError, isAppError } from "../errors.js";
import { declaredFormat } from "../documents/detect-format.js";
import { featureLink, readFeatureDoc, toFeatureDoc } from "../feature/feature-doc.js";
import { checkFileName } from "../feature/read-feature.js";
import { parseModelName } from "../models/chat-model.js";
import type { OfferedTemplates } from "../template/offered.js";
import { parseTemplate } from "../template/parse.js";
import { CreateDraftBody } from "./schemas.js";

/**
 * The feature doc of a POST, in any of the three ways it may come: JSON `{ feature, ... }`, a
 * raw body (`text/markdown`, `text/plain`, `text/html`, `application/pdf` or a Word document's
 * type), or a multipart upload (field `feature`, a file of any of those formats). The same checks as the
 * CLI's apply, with the same error codes. The template is one the server offers, by its id
 * (`templateId` in the JSON, or `?templateId=` for the other two), or a JSON `template`.
 */
export async function draftRequestOf(
  request: FastifyRequest,
  config: Config,
  templates: OfferedTemplates,
): Promise<NewDraftRequest> {
  const type = request.headers["content-type"] ?? "";
  const query = request.query as { templateId?: unknown } | undefined;
  const queried = typeof query?.templateId === "string" ? query.templateId : undefined;
  const offered = (id: string | undefined) => (id ? templates.byId(id) : templates.default).source;
  if (type.startsWith("multipart/form-data")) {
    return fromUpload(request, config, offered(queried));
  }
  if (Buffer.isBuffer(request.body)) {
    return {
      feature: await readFeatureDoc(request.body, "the request body", config.maxFeatureBytes, type),
      featureSource: `feature.${declaredFormat("", type) ?? "md"}`,
      templateSource: offered(queried),
    };
  }
  const parsed = CreateDraftBody.safeParse(request.body);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
      .join("; ");
    throw new AppError("USAGE", `bad request body: ${problems}`, {
      hint: 'send { "feature": "<markdown>" }',
    });
  }
  const body = parsed.data;
  const source = body.source ?? "feature.md";
  const feature = {
    ...toFeatureDoc(Buffer.from(body.feature, "utf8"), "feature", config.maxFeatureBytes),
    link: featureLink(source),
  };
  const templateId = body.templateId ?? queried;
  if (body.template !== undefined && templateId !== undefined) {
    throw new AppError("USAGE", "send either template (its markdown) or templateId, not both", {
      hint: "templateId picks one the server offers; template sends your own",
    });
  }
  // A bad template or model is the caller's error, found before anything is saved or queued.
  // (The templates the server offers were parsed when it started.)
  if (body.template !== undefined) parseTemplate(body.template);
  const templateSource = body.template ?? offered(templateId);
  if (body.model !== undefined) {
    parseModelName(body.model);
    if (config.models && !config.models.includes(body.model)) {
      throw new AppError(
        "MODEL_NOT_OFFERED",
        `this server does not offer the model ${body.model}`,
        {
          hint: `choose one of: ${config.models.join(", ")}`,
        },
      );
    }
  }
  return {
    feature: body.title ? { ...feature, name: body.title } : feature,
    featureSource: source,
    templateSource,
    model: body.model,
  };
}

async function fromUpload(
  request: FastifyRequest,
  config: Config,
  templateSource: string,
): Promise<NewDraftRequest> {
  const { file, bytes } = await readUpload(request);
  const source = file.filename || "feature.md";
  checkFileName(source, "rename the file before uploading it");
  return {
    feature: await readFeatureDoc(bytes, source, config.maxFeatureBytes, file.mimetype),
    featureSource: source,
    templateSource,
  };
}

/** The upload's one file and its bytes; a body that is not well-formed multipart is a 400. */
async function readUpload(request: FastifyRequest) {
  try {
    const file = await request.file();
    if (!file)
      throw new AppError("FEATURE_MISSING", "the upload has no file", {
        hint: "send the feature doc as a file field named feature",
      });
    return { file, bytes: await file.toBuffer() };
  } catch (error) {
    // The plugin's own client errors (too large, too many files) keep their status.
    const status = (error as { statusCode?: number }).statusCode;
    if (isAppError(error) || (status !== undefined && status < 500)) throw error;
    throw new AppError("UPLOAD_INVALID", "the upload is not a well-formed multipart body", {
      hint: "send the feature doc as a multipart/form-data file field named feature",
      cause: error,
    });
  }
}
