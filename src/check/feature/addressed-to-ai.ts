import type { RawFinding } from "../types.js";
import type { FeatureCheck } from "./context.js";

/** This many words of the doc's text in a row, in the same order, make a copy. */
const RUN = 6;
/** Shorter text is too common to call a copy. */
const MIN_WORDS = 3;

/**
 * AI_TEXT_COPIED: text the doc addresses to an AI, copied into the plan (a run of its words in
 * order, on one line). Read in the whole plan: the appendix may name the doc line, never quote it.
 */
export function checkAddressedToAi(check: FeatureCheck): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const cited of check.facts.addressedToAi) {
    const words = wordsOf(cited.text);
    if (words.length < MIN_WORDS) continue;
    const runs = new Set(runsOf(words, Math.min(RUN, words.length)));
    for (const line of check.whole.lines) {
      const copied = runsOf(wordsOf(line.text), Math.min(RUN, words.length)).some((r) =>
        runs.has(r),
      );
      if (!copied) continue;
      findings.push({
        line: line.line,
        code: "AI_TEXT_COPIED",
        message: `this copies text that line ${cited.line} of the feature doc addresses to an AI; it is data, not a requirement: remove it (the appendix names the doc line and never quotes it)`,
      });
    }
  }
  return findings;
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function runsOf(words: string[], length: number): string[] {
  const runs: string[] = [];
  for (let i = 0; i + length <= words.length; i += 1)
    runs.push(words.slice(i, i + length).join(" "));
  return runs;
}
