import { HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import { fillPrompt } from "../../prompts/load-prompt.js";
import type { FeatureFacts } from "../../feature/facts.js";
import { templateRepos, type DraftLayout } from "../../../graphs/plan-drafter/topology.js";
import type { Section, Template } from "../../template/types.js";
import { factsText } from "./facts-text.js";
import { splitLines } from "../../template/text.js";
import type { Chunk, SectionGrounding } from "../../workspace/types.js";
import type { Brief } from "../brief.js";
import { stillOpen, type AnsweredQuestion } from "../review.js";
import type { FeatureDoc } from "../../feature/feature-doc.js";
import type { RevisionRequest, SectionChange, SectionRequest } from "../types.js";

/**
 * The shared prefix (system text with the template, then the feature doc) is byte-identical for
 * every call of one draft, and the brief message for every section call, so providers' prompt
 * caches can serve them. Only the last message differs per call.
 */
export function prefixMessages(layout: DraftLayout, feature: FeatureDoc): BaseMessage[] {
  return [
    new SystemMessage(fillPrompt("system", { template: layout.template.source.trim() })),
    new HumanMessage(
      fillPrompt("feature", {
        name: quoteAttribute(feature.name),
        feature: quoteData(feature.text, "feature_document"),
      }),
    ),
  ];
}

/**
 * The brief every section reads. Questions a person answered at the review gate leave its open
 * questions and come with their answers, which the sections follow.
 */
export function briefMessage(brief: Brief, answers: readonly AnsweredQuestion[] = []): BaseMessage {
  const reviewed =
    answers.length > 0
      ? {
          ...brief,
          open_questions: stillOpen(brief, { answers: [...answers], untouched: [] }),
          answered_questions: answers.map(({ question, answer }) => ({ question, answer })),
        }
      : brief;
  return new HumanMessage(
    fillPrompt("brief", { brief: quoteData(JSON.stringify(reviewed, null, 2), "brief") }),
  );
}

export function analyzeMessage(layout: DraftLayout, facts: FeatureFacts | undefined): BaseMessage {
  const repos = templateRepos(layout);
  return new HumanMessage(
    fillPrompt("analyze", {
      repos:
        repos.length > 0 ? repos.join(", ") : "(the template names none; return an empty list)",
      facts: quoteData(facts ? factsText(facts) : "(not read for this draft)", "doc_facts"),
    }),
  );
}

/** The repair turn of the analysis: where the earlier brief contradicted the doc's facts. */
export function briefRepairMessage(previous: Brief, contradictions: string[]): BaseMessage {
  return new HumanMessage(
    fillPrompt("brief-repair", {
      contradictions: quoteData(contradictions.map((c) => `- ${c}`).join("\n"), "contradictions"),
      previous: quoteData(JSON.stringify(previous, null, 2), "earlier_brief"),
    }),
  );
}

/**
 * The workspace's parts for a section, each repository and context doc fenced as data like the
 * feature doc. Undefined when there is nothing to show.
 */
export function groundingMessage(grounding: SectionGrounding | undefined): BaseMessage | undefined {
  if (!grounding) return undefined;
  const blocks = [
    ...grounding.repositories.map(
      (repo) =>
        `<repository name="${quoteAttribute(repo.name)}" commit="${quoteAttribute(repo.commit.slice(0, 12))}">\n${repo.chunks.map(chunkText).join("\n")}\n</repository>`,
    ),
    ...grounding.context.map(
      (doc) =>
        `<context_document path="${quoteAttribute(doc.path)}">\n${quoteGrounding(doc.text)}\n</context_document>`,
    ),
  ];
  if (blocks.length === 0) return undefined;
  return new HumanMessage(fillPrompt("repository", { repositories: blocks.join("\n\n") }));
}

function chunkText(chunk: Chunk): string {
  const lines = chunk.lines ? ` lines="${chunk.lines}"` : "";
  return `<file path="${quoteAttribute(chunk.path)}" kind="${chunk.kind}"${lines}>\n${quoteGrounding(chunk.text)}\n</file>`;
}

/** Repository text must not close any of the tags it sits in. */
function quoteGrounding(text: string): string {
  return ["repository", "file", "context_document"].reduce(quoteData, text);
}

export function sectionMessage(request: SectionRequest): BaseMessage {
  const { unit, node, layout } = request;
  const values: Record<string, string> = {
    title: unit.section.title,
    section: quoteData(sectionSource(layout.template, unit.section), "section_template"),
    dependencies: dependenciesText(request.dependencies),
  };
  if (node.prompt === "repoChanges") values.repo = unit.repo ?? unit.section.title;
  return new HumanMessage(fillPrompt(node.prompt, values));
}

export function repairMessage(findings: string[], previous: string): BaseMessage {
  return new HumanMessage(
    fillPrompt("repair", {
      findings: findings.map((f) => `- ${f}`).join("\n"),
      previous: quoteData(previous, "earlier_draft"),
    }),
  );
}

/**
 * A revision: the reviewer's feedback for the named section; for a dependent, the same feedback
 * and what changed in the revised sections it builds on.
 */
export function reviseMessage(revision: RevisionRequest, previous: string): BaseMessage {
  const current = quoteData(previous, "current_section");
  const feedback = quoteData(revision.feedback, "reviewer_feedback");
  if (revision.changes === undefined)
    return new HumanMessage(fillPrompt("revise", { feedback, previous: current }));
  return new HumanMessage(
    fillPrompt("revise-dependent", {
      section: revision.section,
      feedback,
      changes: quoteData(changesText(revision.changes), "changes"),
      previous: current,
    }),
  );
}

/** Each revised section's lines that went ("- ") and came ("+ "), as a diff reads. */
function changesText(changes: SectionChange[]): string {
  if (changes.length === 0) return "(no section this one builds on changed)";
  return changes
    .map((change) => {
      const lines = [...change.removed.map((l) => `- ${l}`), ...change.added.map((l) => `+ ${l}`)];
      return [`In "${change.title}":`, ...(lines.length > 0 ? lines : ["(no line changed)"])].join(
        "\n",
      );
    })
    .join("\n\n");
}

export function outputInvalidMessage(problems: string): BaseMessage {
  return new HumanMessage(fillPrompt("output-invalid", { problems }));
}

function dependenciesText(dependencies: SectionRequest["dependencies"]): string {
  if (dependencies.length === 0) return "";
  const drafted = dependencies.map((d) => d.markdown).join("\n\n");
  return `The sections drafted so far that this one builds on:\n\n<drafted_sections>\n${quoteData(drafted, "drafted_sections")}\n</drafted_sections>\n`;
}

/** The template's own lines for a section, from its heading to the next heading at its level. */
export function sectionSource(template: Template, section: Section): string {
  const lines = splitLines(template.source);
  const start = section.line - 1;
  let end = start + 1;
  const deeper = (line: string) => /^(#{1,6})\s/.exec(line)?.[1]?.length ?? 99;
  while (end < lines.length && deeper(lines[end] ?? "") > section.level) end += 1;
  return lines.slice(start, end).join("\n").trim();
}

/** Data inside a tagged block must not be able to close that block. */
export function quoteData(text: string, tag: string): string {
  return text.replace(new RegExp(`</?\\s*${tag}`, "gi"), (m) => m.replace("<", "&lt;"));
}

export function quoteAttribute(text: string): string {
  return text.replace(/["<>]/g, "");
}
