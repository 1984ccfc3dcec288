import type { SectionDraft } from "../../render/types.js";
import { AppError } from "../../errors.js";
import { contentKeys } from "../../template/schema.js";
import type { Section } from "../../template/types.js";
import { obeyFacts } from "../brief-facts.js";
import { NO_USAGE, type Drafter, type SectionRequest } from "../types.js";
import { ruleBrief } from "./brief.js";
import { draftContext } from "./context.js";
import { docFacts } from "./facts.js";
import { fillSection } from "./fill.js";

export const RULE_DRAFTER_NOTICE =
  "No LLM wrote this plan: plandraft's rule-based drafter filled it from what the feature doc states, and every TODO marks a gap for a person or an LLM to fill.";

/**
 * The drafter used when no model is configured. It reads the feature doc with rules only
 * (headings, lists, endpoints, tables, repository keywords), so the same doc always gives the
 * same plan, and it marks every gap TODO instead of guessing.
 */
export function createRuleDrafter(): Drafter {
  return {
    model: "none",
    notice: RULE_DRAFTER_NOTICE,
    brief({ feature, layout, facts }) {
      const brief = ruleBrief(docFacts(feature), layout);
      // Rules cannot be asked again: where the doc states it explicitly, the statement wins.
      return Promise.resolve({
        brief: facts ? obeyFacts(brief, facts) : brief,
        usage: { ...NO_USAGE },
      });
    },
    section(request) {
      const draft = withFeedback(draftSection(request), request);
      return Promise.resolve({ draft, usage: { ...NO_USAGE } });
    },
  };
}

/** One unit: a repository the brief calls untouched says why; anything else is filled. */
export function draftSection(request: SectionRequest): SectionDraft {
  const { unit, brief, layout, feature } = request;
  const stated = unit.repo ? brief.repos.find((r) => r.repo === unit.repo) : undefined;
  if (stated && !stated.touched)
    return { status: "no_changes", reason: noChangeReason(unit.repo ?? "", stated.why) };
  const ctx = draftContext(docFacts(feature), brief, layout, unit);
  return { status: "drafted", content: fillSection(ctx, unit.section, [unit.section.title]) };
}

/**
 * Rules cannot act on a reviewer's feedback, so the section it names carries it as a TODO in
 * its first prose or text field, where the next reader (or an LLM run) will see it. A dependent
 * re-drafted by a cascade is drafted as before: it carries no copy of the note.
 */
function withFeedback(draft: SectionDraft, request: SectionRequest): SectionDraft {
  const revision = request.revision;
  const feedback = revision && !revision.changes ? revision.feedback.trim() : "";
  if (draft.status !== "drafted" || !feedback) return draft;
  const note = `TODO (reviewer feedback, not applied by the rule-based drafter): ${feedback}`;
  const content = structuredClone(draft.content);
  if (!addNote(request.unit.section, content, note)) {
    throw new AppError(
      "SECTION_UNKNOWN",
      `section ${request.unit.section.title} has no text field to carry the feedback`,
    );
  }
  return { status: "drafted", content };
}

/** Puts the note in the first prose, topic or text field, depth first; false when there is none. */
function addNote(section: Section, content: Record<string, unknown>, note: string): boolean {
  for (const { key, block, child } of contentKeys(section)) {
    if (block?.kind === "guidance" || block?.kind === "topic") {
      content[key] = `${typeof content[key] === "string" ? content[key] : ""} ${note}`.trim();
      return true;
    }
    if (block?.kind === "field" && block.slot.kind === "text") {
      content[key] = [...(Array.isArray(content[key]) ? (content[key] as unknown[]) : []), note];
      return true;
    }
    const nested = content[key];
    if (
      child &&
      typeof nested === "object" &&
      nested !== null &&
      addNote(child, nested as Record<string, unknown>, note)
    ) {
      return true;
    }
  }
  return false;
}

function noChangeReason(repo: string, why: string): string {
  return `${why.trim().replace(/\.?$/, ".")} No change is planned in ${repo}.`;
}
