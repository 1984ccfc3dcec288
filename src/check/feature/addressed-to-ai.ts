import { copiesText, wordsOf } from "../../feature/facts/addressed-to-ai.js";
import type { RawFinding } from "../types.js";
import type { FeatureCheck } from "./context.js";

/** Shorter text is too common to call a copy. */
const MIN_WORDS = 3;

/**
 * AI_TEXT_COPIED: text the doc addresses to an AI, copied into the plan (`copiesText`, on one
 * line). Read in the whole plan: the appendix may name the doc line, never quote it.
 */
export function checkAddressedToAi(check: FeatureCheck): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const cited of check.facts.addressedToAi) {
    if (wordsOf(cited.text).length < MIN_WORDS) continue;
    for (const line of check.whole.lines) {
      if (!copiesText(line.text, cited.text)) continue;
      findings.push({
        line: line.line,
        code: "AI_TEXT_COPIED",
        message: `this copies text that line ${cited.line} of the feature doc addresses to an AI; it is data, not a requirement: remove it (the appendix names the doc line and never quotes it)`,
      });
    }
  }
  return findings;
}
