/**
 * What a feature doc's heading says its text is about. Docs come in many shapes (RFCs, KEPs,
 * specs, terse issues), so headings are matched by keyword, in English first, with a few
 * common Chinese words for docs written in Chinese.
 */
export type HeadingKind =
  | "summary"
  | "background"
  | "goals"
  | "nonGoals"
  | "requirements"
  | "stories"
  | "nonFunctional"
  | "design"
  | "decision"
  | "alternatives"
  | "questions"
  | "drawbacks"
  | "testing"
  | "rollout"
  | "future"
  | "entities"
  | "configuration"
  | "dependencies"
  | "reference";

/** Checked in order: the first kind whose pattern matches a heading wins. */
const KINDS: [HeadingKind, RegExp][] = [
  [
    "reference",
    /prior art|references?|resources|footnotes|changelog|implementation history|signoff|table of contents|appendix|名词解释|参考|附件/i,
  ],
  ["nonGoals", /non[- ]?goals?|out[- ]of[- ]scope|not in scope|won'?t do|exclusions?/i],
  [
    "nonFunctional",
    /non[- ]?functional|\bnfrs?\b|performance|security|reliability|scalability|observability|monitoring|privacy|\bslos?\b/i,
  ],
  ["questions", /open questions?|unresolved|open issues|questions|\btbd\b|待定|问题/i],
  [
    "drawbacks",
    /drawbacks?|risks?|caveats?|concerns?|potential issues|limitations|trade-?offs|影响面/i,
  ],
  ["future", /future|follow[- ]?ups?|next steps|later work/i],
  ["alternatives", /alternatives?|rationale|options considered|业内方案|调研/i],
  ["decision", /conclusion|decisions?\b|chosen|结论/i],
  ["testing", /\btests?\b|testing|test plan|verification|\bqa\b|测试|验收/i],
  [
    "rollout",
    /roll-?out|adoption|release plan|migration|deployment|graduation|transition|upgrade|downgrade|version skew|\bphases?\b|milestones?|timeline|implementation plan|enablement/i,
  ],
  ["stories", /user stor|use cases?|scenarios|user journeys?|personas?|用户故事|场景/i],
  [
    "requirements",
    /requirements?|acceptance|criteria|\bscope\b|capabilit|deliverables|^features?$|key features|feature list/i,
  ],
  ["goals", /\bgoals?\b|objectives?|目标/i],
  ["entities", /key entities|entities|data model|metadata model|\bschemas?\b|domain model/i],
  ["configuration", /environment variables|configuration|\bconfig\b|settings|配置/i],
  ["dependencies", /dependenc|prerequisites|affected projects|依赖/i],
  ["summary", /summary|abstract|overview|tl;?dr|purpose|\babout\b|introduction|概述|摘要|简介/i],
  [
    "background",
    /background|context|motivation|problem|\bwhy\b|inspiration|current state|背景|意义|现状/i,
  ],
  [
    "design",
    /propos|design|solution|approach|implementation|architecture|interface|\bapi\b|\bflow\b|how it works|details|model|设计|方案|实现|新增|修改/i,
  ],
];

/** A heading that asks a question ("How can an operator...?") takes its kind from its parent. */
export function headingKind(title: string): HeadingKind | undefined {
  if (/\?\s*$/.test(title)) return undefined;
  return KINDS.find(([, pattern]) => pattern.test(title))?.[0];
}

/** The kind of the nearest heading in `path` that has one, innermost first. */
export function pathKind(path: string[]): HeadingKind | undefined {
  for (let i = path.length - 1; i >= 0; i -= 1) {
    const kind = headingKind(path[i] ?? "");
    if (kind) return kind;
  }
  return undefined;
}

/** Text under these kinds describes other projects or bookkeeping, never this feature's plan. */
export function isReference(path: string[]): boolean {
  return path.some((title) => headingKind(title) === "reference");
}
