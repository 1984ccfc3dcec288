import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { Config } from "../config.js";
import type { NewDraftRequest } from "../drafting/draft-service.js";
import { AppError, isAppError, schemaProblems } from "../errors.js";
import { declaredFormat } from "../documents/detect-format.js";
import {
  featureLink,
  readFeatureDoc,
  toFeatureDoc,
  type FeatureDoc,
} from "../feature/feature-doc.js";
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
 * (`templateId` in the JSON or the upload's fields, or `?templateId=`), or a `template`.
 */
export async function draftRequestOf(
  request: FastifyRequest,
  config: Config,
  templates: OfferedTemplates,
): Promise<NewDraftRequest> {
  const type = request.headers["content-type"] ?? "";
  const query = request.query as { templateId?: unknown; review?: unknown } | undefined;
  const queried = typeof query?.templateId === "string" ? query.templateId : undefined;
  // The route's schema has parsed `?review=` already (a boolean, or absent).
  const reviewQueried = query?.review === true;
  const offered = (id: string | undefined) => (id ? templates.byId(id) : templates.default).source;
  if (type.startsWith("multipart/form-data")) {
    const upload = await fromUpload(request, config, templates, queried);
    return { ...upload, review: upload.review === true || reviewQueried };
  }
  if (Buffer.isBuffer(request.body)) {
    return {
      feature: await readFeatureDoc(request.body, "the request body", config.maxFeatureBytes, type),
      featureSource: `feature.${declaredFormat("", type) ?? "md"}`,
      templateSource: offered(queried),
      review: reviewQueried,
    };
  }
  const parsed = CreateDraftBody.safeParse(request.body);
  if (!parsed.success) throw badBody(parsed.error, 'send { "feature": "<markdown>" }');
  const body = parsed.data;
  const source = body.source ?? "feature.md";
  const feature = {
    ...toFeatureDoc(Buffer.from(body.feature, "utf8"), "feature", config.maxFeatureBytes),
    link: featureLink(source),
  };
  return withOptions(
    feature,
    source,
    { ...body, templateId: body.templateId ?? queried, review: body.review ?? reviewQueried },
    config,
    templates,
  );
}

/** What a draft may say besides its doc: in the JSON body, or as fields of an upload. */
const DraftOptions = CreateDraftBody.pick({
  title: true,
  template: true,
  templateId: true,
  model: true,
  review: true,
});
type DraftOptions = z.infer<typeof DraftOptions>;

function badBody(error: z.ZodError, hint: string): AppError {
  const problems = schemaProblems(error, "body");
  return new AppError("USAGE", `bad request body: ${problems}`, { hint });
}

/** A bad template or model is the caller's error, found before anything is saved or queued. */
function withOptions(
  feature: FeatureDoc,
  featureSource: string,
  options: DraftOptions,
  config: Config,
  templates: OfferedTemplates,
): NewDraftRequest {
  if (options.template !== undefined && options.templateId !== undefined) {
    throw new AppError("USAGE", "send either template (its markdown) or templateId, not both", {
      hint: "templateId picks one the server offers; template sends your own",
    });
  }
  // (The templates the server offers were parsed when it started.)
  if (options.template !== undefined) parseTemplate(options.template);
  const templateSource =
    options.template ??
    (options.templateId ? templates.byId(options.templateId) : templates.default).source;
  if (options.model !== undefined) {
    parseModelName(options.model);
    if (config.models && !config.models.includes(options.model)) {
      throw new AppError(
        "MODEL_NOT_OFFERED",
        `this server does not offer the model ${options.model}`,
        { hint: `choose one of: ${config.models.join(", ")}` },
      );
    }
  }
  return {
    feature: options.title ? { ...feature, name: options.title } : feature,
    featureSource,
    templateSource,
    model: options.model,
    review: options.review === true,
  };
}

/**
 * An upload: the file (any format plandraft reads, by its bytes, name and part type) and, in
 * fields sent before it, the same options as the JSON body (title, model, templateId, template).
 */
async function fromUpload(
  request: FastifyRequest,
  config: Config,
  templates: OfferedTemplates,
  queried: string | undefined,
): Promise<NewDraftRequest> {
  const { file, bytes } = await readUpload(request);
  const source = file.filename || "feature.md";
  checkFileName(source, "rename the file before uploading it");
  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(file.fields)) {
    const value = Array.isArray(field) ? field[0] : field;
    if (name !== "feature" && value?.type === "field" && typeof value.value === "string") {
      fields[name] = value.value;
    }
  }
  // A form's fields are text: review is "true" or "false" there.
  const parsed = DraftOptions.extend({ review: z.stringbool().optional() })
    .strict()
    .safeParse(fields);
  if (!parsed.success) {
    throw badBody(
      parsed.error,
      "send title, model, templateId and review as fields before the file",
    );
  }
  const feature = await readFeatureDoc(bytes, source, config.maxFeatureBytes, file.mimetype);
  const options = { ...parsed.data, templateId: parsed.data.templateId ?? queried };
  return withOptions(feature, source, options, config, templates);
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
