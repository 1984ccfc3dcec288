import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { usageSpentBy, type SectionRequest } from "../../../src/drafters/types.js";
import { AppError, describeError, isAppError } from "../../../src/errors.js";
import { createPartialRenderer } from "../../../src/render/partial.js";
import { renderUnit } from "../../../src/render/plan.js";
import { streamedText } from "../../../src/render/streamed-text.js";
import type { SectionDraft } from "../../../src/render/types.js";
import type { SectionNode, WorkUnit } from "../topology.js";
import { groundingReport } from "../../../src/workspace/report.js";
import { groundingFor } from "../../../src/workspace/retrieve.js";
import { callWatch, knownOf, report, workspaceOf, type GraphContext } from "../context.js";
import type { DraftStateType, DraftUpdate } from "../state.js";
import { factsOf } from "./ingest.js";

/**
 * A section node: drafts its unit (or, for a fan-out node, the unit named in the `Send`).
 * A unit that fails after its retries is recorded as failed with its reason (and what its
 * requests spent), so the other sections still finish and the draft reports the failure at the end.
 */
export function sectionNode(ctx: GraphContext, node: SectionNode) {
  return async (state: DraftStateType, config: LangGraphRunnableConfig): Promise<DraftUpdate> => {
    const unit = unitFor(ctx, node, state.unitId);
    const { draft, usage } = await draftUnit(ctx, unit, state, [], config);
    return { drafts: { [unit.id]: draft }, ...(usage ? { usage } : {}) };
  };
}

/** The repair step: the same drafting, with the check's findings and the earlier draft. */
export function repairNode(ctx: GraphContext) {
  return async (state: DraftStateType, config: LangGraphRunnableConfig): Promise<DraftUpdate> => {
    const unit = ctx.layout.units.find((u) => u.id === state.unitId);
    if (!unit) throw new AppError("INTERNAL", `repair got an unknown section ${state.unitId}`);
    const { draft, usage } = await draftUnit(
      ctx,
      unit,
      state,
      state.repairs?.[unit.id] ?? [],
      config,
    );
    return { drafts: { [unit.id]: draft }, ...(usage ? { usage } : {}) };
  };
}

export async function draftUnit(
  ctx: GraphContext,
  unit: WorkUnit,
  state: DraftStateType,
  findings: string[],
  config: LangGraphRunnableConfig,
  revision?: SectionRequest["revision"],
): Promise<{ draft: SectionDraft; usage?: DraftUpdate["usage"] }> {
  const section = unit.id;
  report(config, { type: "section.started", data: { section } });
  const text = streamedText();
  let attempt = 0;
  let renderPartial = createPartialRenderer(unit.section);
  const onPartial = (content: Record<string, unknown>, turn: number) => {
    if (turn !== attempt) {
      attempt = turn;
      text.restart();
      renderPartial = createPartialRenderer(unit.section);
      report(config, { type: "section.started", data: { section } });
    }
    const delta = text.next(renderPartial(content));
    if (delta) report(config, { type: "section.delta", data: { section, text: delta } });
  };
  try {
    const request = {
      ...requestFor(ctx, unit, state, findings, revision),
      ...(await groundingOf(ctx, unit, state, config)),
      ...knownOf(config),
      ...callWatch(config, unit.id),
      onPartial,
    };
    const { draft, usage } =
      untouchedByReview(state, unit) ?? (await ctx.drafter.section(request, config));
    const markdown = renderUnit(unit.section, draft);
    if (draft.status === "drafted") ctx.prepareCheck(markdown);
    const last = text.finish(markdown);
    if (last.restart) report(config, { type: "section.started", data: { section } });
    if (last.delta) report(config, { type: "section.delta", data: { section, text: last.delta } });
    const status = draft.status;
    report(config, { type: "section.completed", data: { section, status, markdown } });
    return { draft, usage };
  } catch (error) {
    if (config.signal?.aborted) throw error;
    const code = isAppError(error) ? error.code : "INTERNAL";
    const message = describeError(error);
    report(config, { type: "section.failed", data: { section, code, message } });
    const usage = usageSpentBy(error);
    return { draft: { status: "failed", code, message }, ...(usage ? { usage } : {}) };
  }
}

/**
 * A repository the person marked untouched at the review gate is not asked about: their word
 * settles it, and the model is not paid to say so.
 */
function untouchedByReview(
  state: DraftStateType,
  unit: WorkUnit,
): { draft: SectionDraft; usage?: undefined } | undefined {
  if (!unit.repo || !state.reviewed?.untouched.includes(unit.repo)) return undefined;
  const stated = state.brief?.repos.find((r) => r.repo === unit.repo)?.why.trim() ?? "";
  const why = stated.charAt(0).toUpperCase() + stated.slice(1);
  const reason = `${why ? why.replace(/\.?$/, ". ") : ""}Marked untouched when the brief was reviewed: no change is planned in ${unit.repo}.`;
  return { draft: { status: "no_changes", reason } };
}

function requestFor(
  ctx: GraphContext,
  unit: WorkUnit,
  state: DraftStateType,
  findings: string[],
  revision: SectionRequest["revision"],
): SectionRequest {
  const node = ctx.layout.nodes.find((n) => n.name === unit.node);
  if (!node || !state.feature || !state.brief) {
    throw new AppError("INTERNAL", `section ${unit.id} ran before ingest and analyze`);
  }
  const dependencies = ctx.layout.units
    .filter((u) => node.dependsOn.includes(u.node))
    .flatMap((u) => {
      const draft = state.drafts[u.id];
      return draft ? [{ title: u.section.title, markdown: renderUnit(u.section, draft) }] : [];
    });
  return {
    unit,
    node,
    layout: ctx.layout,
    feature: state.feature,
    facts: factsOf(ctx, state),
    brief: state.brief,
    answers: state.reviewed?.answers,
    dependencies,
    findings,
    previous: state.drafts[unit.id],
    revision,
  };
}

/**
 * The workspace parts for this unit, ranked against the brief and the section: its own
 * repository for a repository's section, every mapped repository for the others. Clients are
 * told what they amount to before the model is asked, so a reader sees what the text rests on.
 */
async function groundingOf(
  ctx: GraphContext,
  unit: WorkUnit,
  state: DraftStateType,
  config: LangGraphRunnableConfig,
): Promise<Pick<SectionRequest, "grounding">> {
  const material = workspaceOf(config);
  // The rule drafter is sent no part (it looks names up in `known`): reporting parts it never
  // read would be untrue.
  if (!material || !ctx.drafter.sendsWorkspace) return {};
  const query = [unit.section.title, unit.repo ?? "", JSON.stringify(state.brief ?? {})].join("\n");
  const grounding = await groundingFor(material, unit.repo, query);
  const summary = groundingReport(material, unit.repo, grounding);
  // The report holds names and counts only (never a path): it goes to clients as it is.
  report(config, { type: "section.grounded", data: { section: unit.id, ...summary } });
  return { grounding };
}

function unitFor(ctx: GraphContext, node: SectionNode, unitId: string | undefined): WorkUnit {
  const units = ctx.layout.units.filter((u) => u.node === node.name);
  const unit = node.fanOut ? units.find((u) => u.id === unitId) : units[0];
  if (!unit) throw new AppError("INTERNAL", `node ${node.name} has no section ${unitId ?? ""}`);
  return unit;
}
