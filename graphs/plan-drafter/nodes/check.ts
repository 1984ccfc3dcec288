import { Send, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { renderUnit } from "../../../src/render/plan.js";
import type { DraftLayout } from "../topology.js";
import { checkoutsOf } from "../../../src/workspace/checkouts.js";
import { report, workspaceOf, type GraphContext } from "../context.js";
import type { SectionDraft } from "../../../src/render/types.js";
import { planOf } from "./assemble.js";
import { factsOf } from "./ingest.js";
import type { DraftFinding, DraftStateType, DraftUpdate } from "../state.js";

/** Nodes whose text must only name repositories that have changes (DESIGN: the check step). */
const NAMES_REPOS = new Set(["phases", "dataFlow"]);
/** How many times the check may send sections back. */
const REPAIR_ROUNDS = 1;

/**
 * No LLM: checks the whole plan as `plandraft check --feature` would (against the doc's facts;
 * with the run's workspace, as `--workspace` would: every cited path must exist in the checkout
 * read), plus the repositories it names. A drafted section with findings is sent back once; so
 * is a repository marked "No changes" that the doc states is touched.
 */
export function checkNode(ctx: GraphContext) {
  return async (state: DraftStateType, config: LangGraphRunnableConfig): Promise<DraftUpdate> => {
    report(config, { type: "step", step: "check", state: "started" });
    const material = workspaceOf(config);
    const checkouts = material ? checkoutsOf(material.digests) : undefined;
    const findings = [
      ...(await ctx.checkPlan(planOf(ctx, state), factsOf(ctx, state), checkouts)),
      ...repoFindings(ctx.layout, state),
    ];
    const repairs: Record<string, string[]> = {};
    for (const finding of findings) {
      const unit = unitOf(ctx.layout, finding);
      if (unit && repairable(state.drafts[unit], finding))
        (repairs[unit] ??= []).push(finding.message);
    }
    report(config, { type: "step", step: "check", state: "completed" });
    return { findings, checks: (state.checks ?? 0) + 1, repairs };
  };
}

function repairable(draft: SectionDraft | undefined, finding: DraftFinding): boolean {
  if (draft?.status === "drafted") return true;
  return draft?.status === "no_changes" && finding.code === "REPO_TOUCHED_NO_CHANGES";
}

/** After the first check, failing sections go back to be re-drafted once; then the plan is assembled. */
export function routeAfterCheck(state: DraftStateType): Send[] | "assemble" {
  if ((state.checks ?? 0) > REPAIR_ROUNDS) return "assemble";
  const units = Object.keys(state.repairs ?? {});
  if (units.length === 0) return "assemble";
  return units.map((unitId) => new Send("repair", { ...state, unitId }));
}

function unitOf(layout: DraftLayout, finding: DraftFinding): string | undefined {
  const id = finding.sectionId;
  if (!id) return undefined;
  return layout.units.find((u) => id === u.id || id.startsWith(`${u.id}/`))?.id;
}

/** Phases and data flow must not name a repository that the repository changes leave alone. */
function repoFindings(layout: DraftLayout, state: DraftStateType): DraftFinding[] {
  const untouched = layout.units.filter(
    (u) => u.repo && state.drafts[u.id]?.status === "no_changes",
  );
  if (untouched.length === 0) return [];
  const findings: DraftFinding[] = [];
  for (const unit of layout.units.filter((u) => NAMES_REPOS.has(u.node))) {
    const draft = state.drafts[unit.id];
    if (draft?.status !== "drafted") continue;
    const text = renderUnit(unit.section, draft);
    for (const repo of untouched) {
      if (!mentions(text, repo.repo ?? "")) continue;
      findings.push({
        line: 0,
        code: "REPO_NOT_CHANGED",
        message: `"${unit.section.title}" names ${repo.repo}, but the repository changes say ${repo.repo} needs no change; remove it or explain`,
        sectionId: unit.id,
      });
    }
  }
  return findings;
}

function mentions(text: string, repo: string): boolean {
  const escaped = repo.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[\\s(\`'"])${escaped}(?=[\\s)\`'".,:;]|$)`).test(text);
}
