import { sentences } from "../../feature/plain-text.js";

/**
 * Text helpers for the rule-based drafter. Feature docs are untrusted: everything taken from
 * them goes through `plainText` (in the feature's room), so a plan value is one line of plain
 * text with, at most, inline code spans.
 */

/** Longest value the drafter writes into one line of the plan. */
export const MAX_VALUE = 200;

/** Cuts `text` to `max` characters at a word boundary. */
export function shorten(text: string, max = MAX_VALUE): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  let head = flat.slice(0, max - 1);
  const space = head.lastIndexOf(" ");
  if (space > max * 0.6) head = head.slice(0, space);
  // A cut inside a code span would leave a backtick open and break the rest of the line.
  if ((head.match(/`/g)?.length ?? 0) % 2 === 1) head = head.slice(0, head.lastIndexOf("`"));
  return `${head.replace(/[\s,;:(—–-]+$/, "").replace(/…$/, "")}…`;
}

/** The first sentence of `text`, or all of it. */
export function firstSentence(text: string): string {
  return sentences(text)[0] ?? text;
}

/** Keeps the first of each item, compared without case and punctuation. */
export function unique(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = item.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "Some Title" -> "some Title": for putting a label inside a sentence. */
export function lowerFirst(text: string): string {
  if (/^[A-Z][a-z]/.test(text)) return text[0]?.toLowerCase() + text.slice(1);
  return text;
}

/** "Unit Testing" -> "unit testing", keeping acronyms and product names ("API", "Docker"). */
export function sentenceCase(text: string, names: ReadonlySet<string> = new Set()): string {
  return text.replace(/(?<![\w{}])[A-Z][a-z]+(?![\w{}])/g, (word) =>
    names.has(word) ? word : word.toLowerCase(),
  );
}

export function upperFirst(text: string): string {
  return text ? (text[0]?.toUpperCase() ?? "") + text.slice(1) : text;
}

/** "a, b and c" */
export function joinWords(words: string[]): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** A regex source that matches `term` as a whole word; spaces and hyphens are interchangeable. */
export function termSource(term: string): string {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/[\s-]+/g, "[\\s-]?");
  const start = /^\w/.test(term) ? "\\b" : "";
  const end = /\w$/.test(term) ? "\\b" : "";
  return `${start}${escaped}${end}`;
}

/** The words of a label worth searching for: no stop words, crude stems. */
export function keywords(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z][a-z0-9.-]*[a-z0-9]/g) ?? [];
  return unique(words.filter((w) => w.length >= 4 && !GENERIC_WORDS.has(w)).map(stem));
}

function stem(word: string): string {
  const base = word.replace(/(ations?|itions?|ments?|ings?|ies|es|s|ed|ity)$/, "");
  return base.length >= 4 ? base : word;
}

/** Words that say nothing about what to look for in a doc. */
const GENERIC_WORDS = new Set(
  (
    "list lists with what will which that this these those from into their there have when where " +
    "purpose purposes description describe high-level level changes change changed type types key " +
    "needed need needs approach strategy strategies existing modification modifications new items " +
    "item plan section add provide should would could about also other each more most some such " +
    "than then them they very well over only same used using based requirements requirement " +
    "considerations implications system systems relevant specifications effects effect impact " +
    "including include includes clearly explained clear simple achieved met patterns pattern"
  ).split(" "),
);
