import type { Config } from "../config.js";
import { createDraftService } from "../drafting/draft-service.js";
import { checkNewDraft } from "../drafting/limits.js";
import { buildLayout } from "../../graphs/plan-drafter/topology.js";
import { readEvalDocs } from "../eval/docs.js";
import { createJudge } from "../eval/judge.js";
import { runEval, type EvalRun } from "../eval/run-eval.js";
import { evalTable } from "../eval/table.js";
import { parseModelName } from "../models/chat-model.js";
import { chooseTemplate } from "../template/offered.js";
import { withDeps } from "./with-deps.js";
import { EXIT } from "../error-codes.js";
import type { CliIo } from "./cli-io.js";

export interface EvalOptions {
  template?: string;
  templateId?: string;
  model?: string;
  judge?: string;
  json?: boolean;
}

/**
 * `plandraft eval DIR`: drafts every feature doc in DIR with the chosen model and template and
 * scores each plan. Everything that can be wrong with the input (the model names, the template,
 * every doc) is checked before the first draft, so no model is paid for a run that cannot finish.
 */
export async function evalCommand(
  config: Config,
  dir: string,
  options: EvalOptions,
  io: CliIo,
): Promise<number> {
  const model = options.model ?? config.model;
  parseModelName(model);
  const judge = options.judge === undefined ? undefined : createJudge(options.judge, config);
  const { template, source } = await chooseTemplate(config.templatesDir, options);
  checkNewDraft(buildLayout(template), config);
  const docs = await readEvalDocs(dir, config.maxFeatureBytes);
  const run = await withDeps({ ...config, model }, {}, (deps) =>
    runEval(docs, {
      service: createDraftService(deps),
      template,
      templateSource: source,
      model,
      judge,
      onDoc: (doc, index) =>
        io.stderr.write(`plandraft: eval ${index + 1}/${docs.length}: ${doc.name}\n`),
    }),
  );
  io.stdout.write(options.json ? `${JSON.stringify(run, null, 2)}\n` : evalTable(run));
  return failures(run) === 0 ? EXIT.ok : EXIT.failed;
}

/** Drafts that failed and judgments that failed: the run's numbers are incomplete. */
function failures(run: EvalRun): number {
  return run.rows.filter((r) => r.status !== "completed" || (r.judge && "error" in r.judge)).length;
}
