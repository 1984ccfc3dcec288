import type { Config } from "../config.js";
import type { RevisionRequest } from "../drafting/draft-service.js";
import type { Drafts } from "../drafting/drafts.js";
import { AppError } from "../errors.js";
import { readFeature } from "../feature/read-feature.js";
import type { WorkspaceOptions } from "../workspace/load.js";
import type { CliIo } from "./cli-io.js";
import type { DraftOptions } from "./draft-options.js";
import { checkOutputTarget } from "./output-target.js";
import { drawResult } from "./result.js";
import { askInTerminal } from "./review-command.js";

/**
 * `plandraft draft FEATURE`: everything that can be wrong with the input is checked before a
 * draft is stored or a model is asked.
 */
export async function draftCommand(
  drafts: Drafts,
  config: Config,
  featurePath: string,
  options: DraftOptions,
  io: CliIo,
): Promise<number> {
  if (options.output) await checkOutputTarget(options.output);
  const { repo, context, workspace } = options;
  // At the gate (--review), a person at a terminal is asked there and then.
  const atGate = askInTerminal(drafts, { ...options, repo, context, workspace }, io);
  return drawResult(
    io,
    options,
    async (onEvent) => {
      const run = await drafts.submit(
        {
          featurePath,
          readFeature: () => readFeature(featurePath, config.maxFeatureBytes, io.stdin),
          template: options.template,
          templateId: options.templateId,
          model: options.model,
          workspace: { repo, context, workspace },
          review: options.review,
        },
        { onEvent },
      );
      return run.done;
    },
    atGate,
  );
}

/** The options of the commands that continue a draft: its output, and the workspace to read. */
type ContinueOptions = Pick<DraftOptions, "output" | "json"> & WorkspaceOptions;

/** `plandraft resume ID`: the same output as `draft`, from where the draft stopped. */
export async function resumeCommand(
  drafts: Drafts,
  id: string,
  options: ContinueOptions,
  io: CliIo,
): Promise<number> {
  if (options.output) await checkOutputTarget(options.output);
  return drawResult(io, options, async (onEvent) => {
    const run = await drafts.resume(id, workspaceOf(options), { onEvent });
    return run.done;
  });
}

/**
 * `plandraft watch ID`: follows a draft that runs elsewhere (another shell, a worker, a server)
 * with the same output as `draft`, its plan once the run ends; runs nothing itself.
 */
export async function watchCommand(
  drafts: Drafts,
  id: string,
  options: Pick<DraftOptions, "output" | "json">,
  io: CliIo,
): Promise<number> {
  if (options.output) await checkOutputTarget(options.output);
  return drawResult(io, options, async (onEvent) => {
    const run = await drafts.events(id, { onEvent });
    return run.done;
  });
}

/**
 * `plandraft revise ID --section S --feedback TEXT [--cascade] [--review]`: a new version of the
 * draft; with --review it stops once the section is re-drafted, for a person to keep it first.
 */
export async function reviseCommand(
  drafts: Drafts,
  id: string,
  options: ContinueOptions & ChangeOptions,
  io: CliIo,
): Promise<number> {
  const change = revisionOf(options);
  if (options.output) await checkOutputTarget(options.output);
  const atGate = askInTerminal(drafts, options, io);
  return drawResult(
    io,
    options,
    async (onEvent) => {
      const run = await drafts.revise(id, change, workspaceOf(options), { onEvent });
      return run.done;
    },
    atGate,
  );
}

interface ChangeOptions {
  section: string;
  feedback: string;
  cascade?: boolean;
  review?: boolean;
}

/** The revision `revise` asks for, checked before anything else runs. */
function revisionOf(options: ChangeOptions): RevisionRequest {
  if (!options.feedback.trim()) {
    throw new AppError("USAGE", "--feedback is empty", {
      hint: "say what should change in the section",
    });
  }
  return {
    section: options.section,
    feedback: options.feedback,
    cascade: Boolean(options.cascade),
    ...(options.review ? { review: true } : {}),
  };
}

function workspaceOf({ repo, context, workspace }: WorkspaceOptions): WorkspaceOptions {
  return { repo, context, workspace };
}
