import type { Config } from "../config.js";
import { createDeps, type Deps, type DepsOverrides } from "../deps.js";
import { createDraftService, type DraftService } from "../drafting/draft-service.js";
import { checkNewDraft } from "../drafting/limits.js";
import { buildLayout, templateRepos } from "../../graphs/plan-drafter/topology.js";
import { AppError } from "../errors.js";
import { readFeature } from "../feature/read-feature.js";
import { parseModelName } from "../models/chat-model.js";
import { chooseTemplate } from "../template/offered.js";
import { loadWorkspace } from "../workspace/load.js";
import type { CliIo } from "./cli-io.js";
import type { DraftOptions } from "./draft-options.js";
import { checkOutputTarget } from "./output-target.js";
import { drawResult } from "./result.js";

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
  const { template, source: templateSource } = await chooseTemplate(config.templatesDir, options);
  checkNewDraft(buildLayout(template), config);
  const workspace = await loadWorkspace(options, {
    cwd: process.cwd(),
    templateRepos: templateRepos(buildLayout(template)),
  });
  const feature = await readFeature(featurePath, config.maxFeatureBytes, io.stdin);
  if (options.output) await checkOutputTarget(options.output);
  return withService({ ...config, model }, overrides, (service) =>
    drawResult(io, options, (onEvent) =>
      service.start(
        {
          feature,
          featureSource: featurePath === "-" ? "stdin" : featurePath,
          templateSource,
          model,
          workspace,
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
  options: ContinueOptions,
  io: CliIo,
): Promise<number> {
  const workspace = await continuedWorkspace(options);
  if (options.output) await checkOutputTarget(options.output);
  return withService(config, {}, (service) =>
    drawResult(io, options, (onEvent) => service.resume(id, { onEvent }, { workspace })),
  );
}

/** The options of the commands that continue a draft: its output, and the workspace to read. */
type ContinueOptions = Pick<DraftOptions, "output" | "json" | "repo" | "context" | "workspace">;

/**
 * The workspace a resume or revision reads, found as `draft` finds it. Its sections are grounded
 * only while its checkouts are at the commits the draft was grounded in.
 */
async function continuedWorkspace(options: ContinueOptions) {
  // The draft's template is not known yet: the names are checked against it when it is read.
  return await loadWorkspace(options, { cwd: process.cwd() });
}

/** `plandraft revise ID --section S --feedback TEXT [--cascade]`: a new version of the draft. */
export async function reviseCommand(
  config: Config,
  id: string,
  options: ContinueOptions & {
    section: string;
    feedback: string;
    cascade?: boolean;
  },
  io: CliIo,
): Promise<number> {
  const change = revisionOf(options);
  const workspace = await continuedWorkspace(options);
  if (options.output) await checkOutputTarget(options.output);
  return withService(config, {}, (service) =>
    drawResult(io, options, (onEvent) => service.revise(id, change, { onEvent }, { workspace })),
  );
}

/** The revision `revise` asks for, checked before anything else runs. */
export function revisionOf(options: { section: string; feedback: string; cascade?: boolean }) {
  if (!options.feedback.trim()) {
    throw new AppError("USAGE", "--feedback is empty", {
      hint: "say what should change in the section",
    });
  }
  return {
    section: options.section,
    feedback: options.feedback,
    cascade: Boolean(options.cascade),
  };
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
