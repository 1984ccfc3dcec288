import type { SectionDraft } from "../../render/types.js";
import { AppError } from "../../errors.js";
import { contentKeys } from "../../template/schema.js";
import type { Section } from "../../template/types.js";
import { obeyFacts } from "../brief-facts.js";
import { isDeepStrictEqual } from "node:util";
import type { FeatureFacts } from "../../feature/facts.js";
import { readFeatureFacts } from "../../feature/facts/read.js";
import { templateRepos } from "../../../graphs/plan-drafter/topology.js";
import type { FeatureDoc } from "../../feature/feature-doc.js";
import { NO_USAGE, type Drafter, type SectionRequest } from "../types.js";
import { ruleBrief } from "./brief.js";
import { draftContext } from "./context.js";
import { type DocFacts, readDocFacts } from "./facts.js";
import { fillSection } from "./fill.js";
import { keepFaithful } from "./stated.js";
import { stillOpen } from "../review.js";

export const RULE_DRAFTER_NOTICE =
  "No LLM wrote this plan: plandraft's rule-based drafter filled it from what the feature doc states, and every TODO marks a gap for a person or an LLM to fill.";

/**
 * The drafter used when no model is configured. It reads the feature doc with rules only
 * (headings, lists, endpoints, tables, repository keywords), so the same doc always gives the
 * same plan, and it marks every gap TODO instead of guessing.
 */
export function createRuleDrafter(): Drafter {
  const reading = createReading();
  return {
    model: "none",
    notice: RULE_DRAFTER_NOTICE,
    sendsWorkspace: false,
    brief({ feature, layout, facts, known }) {
      const stated = facts ?? readFeatureFacts(feature, templateRepos(layout));
      // Rules cannot be asked again: where the doc states it explicitly, the statement wins.
      const brief = obeyFacts(ruleBrief(reading(feature, stated), layout, known ?? []), stated);
      return Promise.resolve({ brief, usage: { ...NO_USAGE } });
    },
    section(request) {
      const facts = reading(request.feature, request.facts);
      const draft = withFeedback(draftSection(request, facts), request);
      return Promise.resolve({ draft, usage: { ...NO_USAGE } });
    },
  };
}

/**
 * The doc read once for all the sections of a draft: this drafter's own memory of the last few
 * docs (the same doc and facts always read the same), gone with the drafter.
 */
function createReading(): (feature: FeatureDoc, facts: FeatureFacts) => DocFacts {
  const known = new Map<string, DocFacts>();
  return (feature, facts) => {
    const key = `${feature.name}\u0000${feature.text}`;
    const found = known.get(key);
    if (found && isDeepStrictEqual(found.stated, facts)) return found;
    const read = readDocFacts(feature, facts);
    if (known.size >= 4) known.delete(known.keys().next().value ?? "");
    known.set(key, read);
    return read;
  };
}

/** One unit: a repository the brief calls untouched says why; anything else is filled. */
export function draftSection(request: SectionRequest, facts: DocFacts): SectionDraft {
  const { unit, layout } = request;
  const brief = briefAsReviewed(request);
  const stated = unit.repo ? brief.repos.find((r) => r.repo === unit.repo) : undefined;
  if (stated && !stated.touched)
    return { status: "no_changes", reason: noChangeReason(unit.repo ?? "", stated.why) };
  const ctx = draftContext(facts, brief, layout, unit, request.known ?? [], request.answers);
  const content = fillSection(ctx, unit.section, [unit.section.title]);
  keepFaithful(unit.section, content, request.facts);
  return { status: "drafted", content };
}

/**
 * The brief with the questions a person answered at the review gate taken out of its open ones:
 * the summary counts what is still open, as the appendix lists it.
 */
function briefAsReviewed({ brief, answers }: SectionRequest): SectionRequest["brief"] {
  if (!answers || answers.length === 0) return brief;
  return { ...brief, open_questions: stillOpen(brief, { answers: [...answers], untouched: [] }) };
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
