import type { HeadingKind } from "../../feature/headings.js";
import type { DocSection } from "../../feature/markdown.js";
import { REQUIREMENT_ID, type Statement } from "./statements.js";
import { firstOfBlocks, withItems } from "./design.js";
import { sentences, wordCount } from "../../feature/plain-text.js";
import { firstSentence, lowerFirst, shorten, unique } from "./text.js";

/** At most this many items in one list of the plan. */
export const MAX_ITEMS = 8;

const of = (statements: Statement[], ...kinds: HeadingKind[]) =>
  statements.filter((s) => s.kind !== undefined && kinds.includes(s.kind));

/** Items first (a list says it best), else the paragraph sentences. */
function itemsOrSentences(statements: Statement[]): Statement[] {
  const plain = statements.filter((s) => !REQUIREMENT_ID.test(s.text));
  const items = plain.filter((s) => s.item && s.depth === 0);
  return items.length > 0 ? items : plain.filter((s) => !s.leadIn && !s.item);
}

/** What the feature achieves: the summary's first paragraph, else the first real paragraph. */
export function findGoal(
  sections: DocSection[],
  name: string,
  allowed: (sentence: string) => boolean = () => true,
): string {
  const ranked = (kinds: RegExp) =>
    sections
      .filter((s) => kinds.test(s.title))
      .sort((a, b) => a.level - b.level || sections.indexOf(a) - sections.indexOf(b));
  const candidates = [
    ...ranked(/summary|abstract|overview|purpose|tl;?dr|概述|摘要|目标/i),
    ...ranked(/introduction|about|motivation|problem|background|背景/i),
    ...sections,
  ];
  for (const section of candidates) {
    const paragraph = section.blocks.find(
      (b) => b.kind === "paragraph" && !b.quote && wordCount(b.text) >= 6,
    );
    if (paragraph?.kind === "paragraph") {
      // A paragraph that opens with a rejected alternative or a non-goal says no goal.
      if (!allowed(sentences(paragraph.text)[0] ?? "")) continue;
      const text = paragraph.text.replace(/^(\p{L}[\p{L} ]{0,20}:\s+){1,2}/u, "");
      return shorten(sentences(text).slice(0, 2).filter(allowed).join(" "), 300);
    }
  }
  return name;
}

/** What will be built: requirements grouped by heading, goals, stories, then the proposal. */
export function findInScope(statements: Statement[]): string[] {
  const requirements = groupedRequirements(
    statements.filter((s) => s.item && /^FR-?\d/i.test(s.text)),
  );
  const goals = itemsOrSentences(of(statements, "goals", "requirements")).map((s) => s.text);
  const stories = findStories(statements);
  const design = firstOfBlocks(
    of(statements, "design", "decision").filter((s) => !s.underLeadIn && s.depth === 0),
  );
  const base = unique([...requirements, ...goals]);
  const picked = unique([...base, ...stories.slice(0, Math.max(2, MAX_ITEMS - base.length))]);
  const filled =
    picked.length >= 3
      ? picked
      : unique([...picked, ...design.flatMap((s) => listed(statements, s))]);
  return filled.slice(0, MAX_ITEMS).map((text) => shorten(text));
}

/** A lead-in and the items it introduces, one entry each, so no item is cut off. */
function listed(statements: Statement[], lead: Statement): string[] {
  if (!lead.leadIn) return [lead.text];
  const items = statements.filter(
    (s) =>
      s.order > lead.order &&
      s.underLeadIn &&
      s.path === lead.path &&
      s.depth === (lead.item ? lead.depth + 1 : 0),
  );
  const own = items.filter(
    (item) => !statements.slice(lead.order + 1, item.order).some((s) => !s.underLeadIn),
  );
  return own.length > 0
    ? [lead.text, ...own.map((item) => withItems(statements, item))]
    : [lead.text];
}

/** "Memory write surface (FR-001–FR-004): The agent MUST expose..." */
function groupedRequirements(requirements: Statement[]): string[] {
  const groups = new Map<string, Statement[]>();
  for (const statement of requirements) {
    const heading = statement.path.at(-1) ?? "";
    groups.set(heading, [...(groups.get(heading) ?? []), statement]);
  }
  return [...groups].map(([heading, items]) => {
    const ids = items.map((s) => REQUIREMENT_ID.exec(s.text)?.[0] ?? "");
    const range = ids.length > 1 ? `${ids[0]}–${ids.at(-1)}` : (ids[0] ?? "");
    const first = firstSentence(items[0]?.text.replace(REQUIREMENT_ID, "").trim() ?? "");
    const title = /requirement/i.test(heading) ? range : `${heading} (${range})`;
    return shorten(`${title}: ${first}`);
  });
}

/** What is explicitly left out; what the doc defers to later counts too when nothing else does. */
export function findOutOfScope(statements: Statement[]): string[] {
  const explicit = itemsOrSentences(of(statements, "nonGoals")).map((s) => s.text);
  if (explicit.length > 0)
    return unique(explicit)
      .slice(0, MAX_ITEMS)
      .map((t) => shorten(t));
  const deferred = firstOfBlocks(of(statements, "future").filter((s) => !s.underLeadIn)).map(
    (s) => `Deferred: ${s.text}`,
  );
  return unique(deferred)
    .slice(0, 4)
    .map((t) => shorten(t));
}

/** User stories and use cases, by their titles or their items. */
export function findStories(statements: Statement[]): string[] {
  const titled = new Map<string, Statement>();
  for (const statement of statements) {
    const title = statement.path.at(-1) ?? "";
    if (/user story|story \d|use case/i.test(title) && !titled.has(title))
      titled.set(title, statement);
    else if (
      statement.kind === "stories" &&
      !/stor|use case|scenario/i.test(title) &&
      !titled.has(title)
    ) {
      titled.set(title, statement);
    }
  }
  const fromTitles = [...titled].map(([title, s]) =>
    /user story|story \d/i.test(title) && !/^(user )?story\s*\d+$/i.test(title)
      ? title
      : `${title}: ${firstSentence(s.text)}`,
  );
  const asA = statements.filter(
    (s) =>
      /^(as an?\s|作为)/i.test(s.text) &&
      /\b(want|need|can|so that)\b|我/.test(s.text) &&
      !titled.has(s.path.at(-1) ?? ""),
  );
  const items = of(statements, "stories").filter(
    (s) => s.item && s.depth === 0 && !/\bgiven\b/i.test(s.text),
  );
  return unique([...fromTitles, ...asA.map((s) => s.text), ...items.map((s) => s.text)])
    .slice(0, MAX_ITEMS)
    .map((t) => shorten(t));
}

/** Given/When/Then scenarios and "done when" lists. */
export function findAcceptance(statements: Statement[]): string[] {
  const scenarios = statements.filter(
    (s) =>
      /\bgiven\b.*\bwhen\b.*\bthen\b/i.test(s.text) ||
      /acceptance|success criteria|definition of done|complete when|done when/i.test(
        s.path.at(-1) ?? "",
      ),
  );
  const doneWhen = statements.filter(
    (s, i) =>
      s.item && /complete when|done when|succeed\w* when/i.test(statements[i - 1]?.text ?? ""),
  );
  return unique([...scenarios, ...doneWhen].map((s) => s.text))
    .slice(0, MAX_ITEMS)
    .map((t) => shorten(t));
}

const NFR =
  /\b(latency|p9\d|throughput|\d+\s?ms\b|performan\w*|secur\w*|permission\w*|encrypt\w*|privacy|reliab\w*|availability|durab\w*|idempoten\w*|scalab\w*|SLOs?|SLAs?|rate[- ]limit\w*|backpressure|timeouts?|fail[- ]fast|observab\w*)\b/i;

/** Performance, security and reliability needs, from NFR lists first, then from anywhere. */
export function findNonFunctional(statements: Statement[]): string[] {
  const listed = of(statements, "nonFunctional");
  const elsewhere = statements.filter(
    (s) => s.kind !== "nonFunctional" && NFR.test(s.text) && usable(s.kind),
  );
  return unique([...listed, ...elsewhere].filter((s) => !s.leadIn).map((s) => s.text))
    .slice(0, MAX_ITEMS)
    .map((t) => shorten(t));
}

function usable(kind: HeadingKind | undefined): boolean {
  return !["nonGoals", "future", "alternatives", "background", "questions"].includes(kind ?? "");
}

/** Open questions, each with the assumption the plan makes until someone decides. */
export function findQuestions(
  sections: DocSection[],
  statements: Statement[],
): { question: string; assumption: string }[] {
  const asked = sections
    .filter(
      (s) =>
        s.path.slice(0, -1).some((t) => /\bquestions?\b|unresolved/i.test(t)) &&
        /\?\s*$/.test(s.title),
    )
    .map((s) => s.title);
  const listed = of(statements, "questions")
    .filter((s) => !/^(none|n\/a|no open|nothing|tbd\.?$)/i.test(s.text))
    .filter((s) => s.item || /\?\s*$/.test(s.text));
  const questions = unique([...asked, ...listed.map((s) => s.text)]).map((q) => ({
    question: shorten(q),
    assumption: assume(q),
  }));
  const drawbacks = firstOfBlocks(of(statements, "drawbacks").filter((s) => !s.underLeadIn))
    .filter((s) => !/\?\s*$/.test(s.text))
    .slice(0, 3)
    .map((s) => ({
      question: shorten(`Drawback to address: ${s.text}`),
      assumption: "TODO: decide how the plan mitigates this drawback, or accept it explicitly",
    }));
  return [...questions, ...drawbacks].slice(0, 6);
}

const YES_NO =
  /^(should|must|can|will|could|would|do|does|is|are)\s+(.+?)\s+(be|have|get|use|allow|include|support|run|stay|remain|keep|need|want|require)\b(.*)$/i;

/** What the plan assumes until a question is answered: that someone decides it, said as a task. */
export function assume(question: string): string {
  const plain = question
    .replace(/^Q\d+[:.)]\s*/i, "")
    .replace(/\?\s*$/, "")
    .trim();
  const yesNo = YES_NO.exec(plain);
  if (yesNo) {
    const [, aux = "", subject = "", verb = "", rest = ""] = yesNo;
    const modal = /^(do|does)$/i.test(aux) ? "" : `${aux.toLowerCase()} `;
    return shorten(`TODO: decide whether ${lowerFirst(subject)} ${modal}${verb}${rest}`);
  }
  if (/^(how|what|which|when|where|who)\b/i.test(plain))
    return shorten(`TODO: decide ${lowerFirst(plain)}`);
  return "TODO: decide this before implementation starts";
}
