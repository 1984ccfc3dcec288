import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Config } from "../config.js";
import { createDeps, type Deps, type DepsOverrides } from "../deps.js";
import { createDraftService, type DraftService } from "../drafting/draft-service.js";
import type { DraftEvent, DraftResult } from "../drafting/run-draft.js";
import { AppError } from "../errors.js";
import { readFeature } from "../feature/read-feature.js";
import { parseModelName } from "../models/chat-model.js";
import { loadTemplate, writeFileAtomic } from "./io.js";
import { EXIT, type CliIo, type DraftOptions } from "./main.js";
import { createProgress } from "./progress.js";

/** Everything that can be wrong with the input is checked before the database or a model is used. */
export async function draftCommand(
  config: Config,
  featurePath: string,
  options: DraftOptions,
  io: CliIo,
  overrides: DepsOverrides = {},
): Promise<number> {
  const model = options.model ?? config.model;
  parseModelName(model);
  const { source: templateSource } = await loadTemplate(options.template);
  const feature = await readFeature(featurePath, config.maxFeatureBytes, io.stdin);
  if (options.output) await assertWritable(options.output);
  return withService({ ...config, model }, overrides, (service) =>
    drawResult(io, options, (onEvent) =>
      service.start(
        {
          feature,
          featureSource: featurePath === "-" ? "stdin" : featurePath,
          templateSource,
          model,
        },
        { onEvent },
      ),
    ),
  );
}

/** `plandraft resume ID`: the same output as `draft`, from where the draft stopped. */
export async function resumeCommand(
  config: Config,
  id: string,
  options: Pick<DraftOptions, "output" | "json">,
  io: CliIo,
): Promise<number> {
  if (options.output) await assertWritable(options.output);
  return withService(config, {}, (service) =>
    drawResult(io, options, (onEvent) => service.resume(id, { onEvent })),
  );
}

/** `plandraft revise ID --section S --feedback TEXT [--cascade]`: a new version of the draft. */
export async function reviseCommand(
  config: Config,
  id: string,
  options: Pick<DraftOptions, "output" | "json"> & {
    section: string;
    feedback: string;
    cascade?: boolean;
  },
  io: CliIo,
): Promise<number> {
  if (!options.feedback.trim()) {
    throw new AppError("USAGE", "--feedback is empty", {
      hint: "say what should change in the section",
    });
  }
  if (options.output) await assertWritable(options.output);
  const change = {
    section: options.section,
    feedback: options.feedback,
    cascade: Boolean(options.cascade),
  };
  return withService(config, {}, (service) =>
    drawResult(io, options, (onEvent) => service.revise(id, change, { onEvent })),
  );
}

/** Opens the store for one command and always closes it, so the process can exit. */
export async function withDeps<T>(
  config: Config,
  overrides: DepsOverrides,
  use: (deps: Deps) => Promise<T>,
): Promise<T> {
  const deps = await createDeps(config, overrides);
  try {
    return await use(deps);
  } finally {
    await deps.close();
  }
}

function withService(
  config: Config,
  overrides: DepsOverrides,
  use: (service: DraftService) => Promise<number>,
): Promise<number> {
  return withDeps(config, overrides, (deps) => use(createDraftService(deps)));
}

/** Shows progress while `run` drafts, then writes the plan (or the JSON result) and picks the exit code. */
async function drawResult(
  io: CliIo,
  options: Pick<DraftOptions, "output" | "json">,
  run: (onEvent: (event: DraftEvent) => void) => Promise<DraftResult>,
): Promise<number> {
  const progress = createProgress(io.stderr);
  const result = await run((event) => progress.onEvent(event));
  progress.done(summaryOf(result));
  if (options.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (result.status !== "completed") return EXIT.failed;
  if (options.output) await writeFileAtomic(options.output, result.markdown);
  else if (!options.json) io.stdout.write(result.markdown);
  return EXIT.ok;
}

function summaryOf(result: DraftResult): string {
  const tokens =
    result.usage.calls > 0
      ? `, ${result.usage.calls} model calls, ${result.usage.totalTokens} tokens (${result.usage.inputTokens} in, ${result.usage.outputTokens} out)`
      : ", no model calls";
  const findings =
    result.findings.length > 0
      ? `\n${result.findings.map((f) => `  check: ${f.code}: ${f.message}`).join("\n")}`
      : "";
  if (result.status === "completed") {
    return `plandraft: drafted ${result.id} (version ${result.version ?? 1}) with ${result.model}${tokens}${findings}`;
  }
  const failed = result.sections.filter((s) => s.status === "failed" || s.status === "missing");
  const reasons = failed
    .map((s) => `  ✗ ${s.title}: ${s.code ?? "NOT_DRAFTED"}: ${s.message ?? "not drafted"}`)
    .join("\n");
  return `plandraft: draft ${result.id} failed: ${failed.length} section${failed.length === 1 ? "" : "s"} could not be drafted${tokens}\n${reasons}${findings}`;
}

export async function assertWritable(output: string): Promise<void> {
  const folder = dirname(resolve(output));
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new AppError(
      "OUTPUT_WRITE_FAILED",
      `cannot write ${output}: folder ${folder} does not exist or is not writable`,
      {
        hint: "create the folder or choose another output path",
        cause: error,
      },
    );
  }
}
