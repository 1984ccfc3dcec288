import type { DocSection } from "../../feature/markdown.js";
import type { Statement } from "./statements.js";
import { wordCount } from "../../feature/plain-text.js";
import { shorten, unique } from "./text.js";

export interface Decision {
  decision: string;
  rationale: string | undefined;
  impact: string | undefined;
}

const WHY =
  /\b(because|since|so that|to avoid|in order to|this (allows|means|way)|which (allows|means)|rationale|the reason)\b/i;
const IMPACT =
  /\b(impact\w*|allows?|enables?|means|cost\w*|break\w*|compatib\w*|affect\w*|reduc\w*|improv\w*|avoid\w*|offload\w*|downtime|migration)\b/i;
/** "We have decided to adopt option 2." is a decision wherever it is written. */
const DECIDED = /\b(we|the team) (have |has )?(decided|chose|agreed|settled on|will adopt)\b/i;
/** "The following is the proposed shape of..." introduces something; it decides nothing. */
const INTRO = /^(the following|following is|here is|below|an example|for example|e\.g\.|see )/i;
const FLOW = /\b(flow|steps?|workflow|procedure|how it works|sequence|lifecycle)\b/i;
/** Definitions and caveats explain the design; they are not decisions. */
const NOT_DECIDED =
  /vocabulary|glossary|terminology|definitions|notes|constraints|caveats|background|example/i;
/** Headings that only say "this is the design"; a decision under them needs no prefix. */
const PLAIN_DESIGN =
  /^(proposal|proposed solution|design|detailed design|design details|solution|solution design|implementation|the suggested solution|approach)$/i;

/** A statement that ends with a colon, with the items it introduces. */
export function withItems(statements: Statement[], statement: Statement): string {
  if (!statement.leadIn) return statement.text;
  let text = statement.text;
  for (let i = statement.order + 1; i < statements.length; i += 1) {
    const next = statements[i];
    if (
      !next?.underLeadIn ||
      next.path !== statement.path ||
      next.depth <= (statement.item ? statement.depth : -1)
    )
      break;
    text += `${/[:：]$/.test(text) ? " " : "; "}${next.text.replace(/[,;.]+$/, "")}`;
  }
  return text;
}

/**
 * Decisions the doc makes: its conclusion and each part of its proposal. What it ruled out is
 * never a decision of the plan: the alternatives it weighed are not read as one.
 */
export function findDecisions(statements: Statement[]): Decision[] {
  const decided = statements.filter(
    (s) => DECIDED.test(s.text) && s.kind !== "alternatives" && s.kind !== "decision",
  );
  const concluded = [
    ...firstOfBlocks(statements.filter((s) => s.kind === "decision")).map((s) =>
      decide(statements, s, false),
    ),
    ...decided.map((s) => decide(statements, s, false)),
    ...clarified(statements),
  ];
  const all = [...concluded, ...designDecisions(statements)];
  const rationale = statements.find(
    (s) => s.kind === "alternatives" && /rationale/i.test(s.path.at(-1) ?? ""),
  );
  const first = all[0];
  if (first && !first.rationale && rationale) first.rationale = shorten(rationale.text, 160);
  return all.slice(0, 6);
}

/** Spec clarifications, "Q: ... → A: ...": each answer is a decision, its question the reason. */
function clarified(statements: Statement[]): Decision[] {
  return statements.flatMap((s) => {
    const qa = /^Q:\s*(.+?)\s*(?:→|->|=>)\s*A:\s*(.+)$/.exec(s.text);
    if (!qa?.[1] || !qa[2]) return [];
    return [
      {
        decision: shorten(qa[2], 180),
        rationale: shorten(`Answers: ${qa[1]}`, 160),
        impact: undefined,
      },
    ];
  });
}

function designDecisions(statements: Statement[]): Decision[] {
  const design = statements.filter(
    (s) =>
      s.kind === "design" &&
      !s.underLeadIn &&
      !(s.item && s.depth > 0) &&
      !INTRO.test(s.text) &&
      !FLOW.test(s.path.at(-1) ?? "") &&
      !NOT_DECIDED.test(s.path.at(-1) ?? "") &&
      wordCount(s.text) >= 6,
  );
  const firsts = firstOfBlocks(design);
  const bySection = new Map<string, Statement>();
  for (const s of firsts) if (!bySection.has(s.path.join("/"))) bySection.set(s.path.join("/"), s);
  const ordered = unique([...bySection.values(), ...firsts].map((s) => String(s.order))).map(
    (order) => statements[Number(order)] as Statement,
  );
  return ordered.slice(0, 6).map((s) => decide(statements, s, true));
}

function decide(statements: Statement[], statement: Statement, titled: boolean): Decision {
  const title = statement.path.at(-1) ?? "";
  const prefix =
    titled && title && !PLAIN_DESIGN.test(title) && !statement.text.includes(title)
      ? `${title}: `
      : "";
  const block = statements.filter(
    (s) => s.block === statement.block && s.order > statement.order && !s.item,
  );
  const why =
    block.find((s) => WHY.test(s.text)) ?? block.find((s) => !IMPACT.test(s.text)) ?? block[0];
  const impact = block.find((s) => IMPACT.test(s.text) && s !== why);
  return {
    decision: shorten(`${prefix}${withItems(statements, statement)}`, 180),
    rationale: why ? shorten(why.text, 160) : undefined,
    impact: impact ? shorten(impact.text, 160) : undefined,
  };
}

export function firstOfBlocks(statements: Statement[]): Statement[] {
  const seen = new Set<number>();
  return statements.filter((s) => {
    if (seen.has(s.block)) return false;
    seen.add(s.block);
    return true;
  });
}

/** The steps of the doc's own flow, in order, for the sequence diagram. */
export function findFlowSteps(sections: DocSection[], statements: Statement[]): string[] {
  const ordered = statements.filter(
    (s) => s.item && s.depth === 0 && FLOW.test(s.path.at(-1) ?? ""),
  );
  if (ordered.length >= 2) return ordered.slice(0, 6).map((s) => s.text);
  const stepSections = sections.filter((s) => /^step\s*\d+/i.test(s.title));
  const steps = stepSections.flatMap(
    (section) => statements.find((s) => s.path === section.path)?.text ?? [],
  );
  if (steps.length >= 2) return steps.slice(0, 6);
  return [];
}

/** The doc's own phases ("Phase 1: Repository Setup"), by number. */
export function findDocPhases(
  sections: DocSection[],
  statements: Statement[],
): Map<number, string> {
  const phases = new Map<number, string>();
  for (const section of sections) {
    const number = /\bphase\s*(\d+)/i.exec(section.title)?.[1];
    if (!number || phases.has(Number(number))) continue;
    const first = statements.find((s) => s.path === section.path);
    phases.set(
      Number(number),
      shorten(first ? `${section.title}: ${first.text}` : section.title, 180),
    );
  }
  return phases;
}

export interface TestFacts {
  unit: string[];
  integration: string[];
  e2e: string[];
  general: string[];
}

/** The doc's test plan, sorted by level. */
export function findTests(statements: Statement[]): TestFacts {
  const tests: TestFacts = { unit: [], integration: [], e2e: [], general: [] };
  for (const statement of statements.filter((s) => s.kind === "testing" && !s.leadIn)) {
    const where = `${statement.path.at(-1) ?? ""} ${statement.text}`;
    const level = /\bunit\b/i.test(where)
      ? "unit"
      : /\bintegration\b/i.test(where)
        ? "integration"
        : /\be2e\b|end[- ]to[- ]end/i.test(where)
          ? "e2e"
          : "general";
    tests[level].push(shorten(statement.text));
  }
  return tests;
}
