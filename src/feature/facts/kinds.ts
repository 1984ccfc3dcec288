/**
 * What a heading (or a label such as "Non-goals:") says about the text under it, as far as the
 * facts go. Stricter than the rule drafter's heading kinds: a fact is only what the doc states,
 * so "Future work" is not out of scope and "Rationale and alternatives" is not a list of
 * rejected alternatives.
 */
export type FactKind =
  | "inScope"
  | "outOfScope"
  /** A heading that names both ("In scope / out of scope"): only labels under it decide. */
  | "mixedScope"
  | "acceptance"
  | "questions"
  | "alternatives"
  | "repos"
  | "goal"
  | "summary";

const OUT_OF_SCOPE =
  /non[- ]?goals?|out[- ]of[- ]scope|not in scope|won'?t (do|build|have)|exclu(ded|sions?)|not (in|for) (v\d+|the (first|initial) (release|version)|this (release|version|phase|iteration|mvp))|do not build|don'?t build|not (planned|doing|building)|deferred|非目标|不做|不包含|不在范围/i;
const IN_SCOPE =
  /\bin[- ]scope\b|^scope\b|\bscope$|^(goals?|objectives?)$|\b(goals?|objectives?) and\b|deliverables|what we('ll| will) (build|deliver)|^(mvp|v1)( scope)?$|范围/i;

/** Checked in order; the first kind whose pattern matches a heading's title wins. */
const KINDS: [FactKind, RegExp][] = [
  ["acceptance", /acceptance|definition of done|done when|success criteria|exit criteria|验收/i],
  [
    "questions",
    /open questions?|unresolved|open issues|outstanding questions|^questions$|^open( (items|points|topics))?$|\btbd\b|待定|待讨论/i,
  ],
  [
    "alternatives",
    /^(?!.*rationale).*(alternatives?|options considered|^rejected (options|approaches|designs|ideas))/i,
  ],
  [
    "repos",
    /repositor(y|ies)|\brepos?\b|affected (projects|systems|services|components)|(systems?|components?|services?) (touched|affected)|codebases?/i,
  ],
  ["goal", /^(the )?(goal|objective|purpose)s?$|^(功能)?目标$/i],
  ["summary", /^(summary|abstract|overview|tl;?dr|executive summary|about|概述|摘要|简介)$/i],
];

/** The numbering and decoration around a heading's words: "2、功能目标" -> "功能目标". */
function bare(title: string): string {
  return title
    .replace(/^([\d一二三四五六七八九十]+[.、)]\s*)+/, "")
    .replace(/[:：\s]+$/, "")
    .trim();
}

export function factKind(title: string): FactKind | undefined {
  const words = bare(title);
  if (/\?\s*$/.test(words)) return undefined;
  const outside = OUT_OF_SCOPE.test(words);
  const inside = IN_SCOPE.test(words);
  if (outside && /\bin[- ]scope\b/i.test(words)) return "mixedScope";
  if (outside) return "outOfScope";
  const kind = KINDS.find(([, pattern]) => pattern.test(words))?.[0];
  return kind ?? (inside ? "inScope" : undefined);
}

/** The kind of the nearest heading in `path` that has one, innermost first. */
export function pathFactKind(path: string[]): FactKind | undefined {
  for (let i = path.length - 1; i >= 0; i -= 1) {
    const kind = factKind(path[i] ?? "");
    if (kind) return kind;
  }
  return undefined;
}

/** A label that opens a line: "Non-goals: ...", "Out of scope (do not build):", "In scope:". */
const SCOPE_LABEL =
  /^\s*(non[- ]?goals?|out[- ]of[- ]scope|not in scope|not in v\d+|not (in|for) this (release|version|phase)|do not build|won'?t do|excluded|in[- ]scope|goals?)\s*(\([^)]*\))?\s*[:：]\s*/i;

/** Whether a line is labelled in or out of scope, and its words after the label. */
export function scopeLabel(
  plain: string,
): { kind: "inScope" | "outOfScope"; rest: string } | undefined {
  const match = SCOPE_LABEL.exec(plain);
  if (!match) return undefined;
  const label = `${match[1] ?? ""} ${match[3] ?? ""}`;
  const kind = OUT_OF_SCOPE.test(label) ? "outOfScope" : "inScope";
  return { kind, rest: plain.slice(match[0].length).trim() };
}

/** An item marked out of scope where it stands: "Email alerts (not in v1)". */
export const OUT_OF_SCOPE_MARK =
  /\((out of scope|not in scope|not in v\d+|non[- ]?goal|do not build|won'?t do|deferred|later)\)/i;
