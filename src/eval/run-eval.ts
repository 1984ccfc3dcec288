import type { DraftService } from "../drafting/draft-service.js";
import { NO_USAGE, addUsage, usageSpentBy, type Usage } from "../drafters/types.js";
import { isAppError, type AppError } from "../errors.js";
import type { Template } from "../template/types.js";
import type { EvalDoc } from "./docs.js";
import type { Judge, Verdict } from "./judge.js";
import { scorePlan, type PlanScore } from "./score.js";

/** One doc's result: its draft, how the plan scores, and the judge's verdict when asked for. */
export interface EvalRow {
  doc: string;
  /** The draft's id: `plandraft show ID` prints the plan that was scored. */
  draftId?: string | undefined;
  status: "completed" | "failed";
  /** Why the draft (or the judge) failed: `CODE: message`. */
  error?: string | undefined;
  score?: PlanScore | undefined;
  /** What drafting the plan cost. */
  usage: Usage;
  judge?: { verdict: Verdict; usage: Usage } | { error: string } | undefined;
}

export interface EvalRun {
  model: string;
  judgeModel?: string | undefined;
  rows: EvalRow[];
}

export interface EvalOptions {
  service: DraftService;
  template: Template;
  templateSource: string;
  model: string;
  judge?: Judge | undefined;
  /** Called when a doc starts, so a long run shows where it is. */
  onDoc?: (doc: EvalDoc, index: number) => void;
}

/**
 * Drafts every doc in turn (each draft already runs its sections in parallel; one draft at a
 * time keeps a run within a provider's rate limits) and scores each plan. A draft or a judgment
 * that fails is a row that says why, and the run goes on to the next doc.
 */
export async function runEval(docs: EvalDoc[], options: EvalOptions): Promise<EvalRun> {
  const rows: EvalRow[] = [];
  for (const [index, doc] of docs.entries()) {
    options.onDoc?.(doc, index);
    rows.push(await evalDoc(doc, options));
  }
  return { model: options.model, judgeModel: options.judge?.model, rows };
}

async function evalDoc(doc: EvalDoc, options: EvalOptions): Promise<EvalRow> {
  let result;
  try {
    result = await options.service.start({
      feature: doc.feature,
      featureSource: doc.path,
      templateSource: options.templateSource,
      model: options.model,
    });
  } catch (error) {
    // A draft that fails as a whole (its brief, the store) is this doc's row, not the run's end.
    if (!isAppError(error)) throw error;
    return {
      doc: doc.name,
      status: "failed",
      error: errorLine(error),
      usage: usageSpentBy(error) ?? NO_USAGE,
    };
  }
  const row: EvalRow = {
    doc: doc.name,
    draftId: result.id,
    // An evaluation never asks for review, so it never stops at the gate.
    status: result.status === "completed" ? "completed" : "failed",
    usage: result.usage,
  };
  if (result.status !== "completed") {
    const failed = result.sections.find((s) => s.status === "failed" || s.status === "missing");
    row.error = failed
      ? `${failed.code ?? "NOT_DRAFTED"}: ${failed.message ?? failed.title}`
      : "the draft failed";
    return row;
  }
  row.score = await scorePlan(result.markdown, options.template, doc.feature);
  if (options.judge) row.judge = await judgePlan(options.judge, doc, result.markdown);
  return row;
}

async function judgePlan(judge: Judge, doc: EvalDoc, plan: string): Promise<EvalRow["judge"]> {
  try {
    return await judge.judge(doc.feature, plan);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { error: errorLine(error) };
  }
}

/** What the whole run cost: the drafts' and the judge's calls and tokens. */
export function totalUsage(run: EvalRun): { drafts: Usage; judge: Usage } {
  let drafts = NO_USAGE;
  let judge = NO_USAGE;
  for (const row of run.rows) {
    drafts = addUsage(drafts, row.usage);
    if (row.judge && "verdict" in row.judge) judge = addUsage(judge, row.judge.usage);
  }
  return { drafts, judge };
}

function errorLine(error: AppError): string {
  return `${error.code}: ${error.message}`;
}
