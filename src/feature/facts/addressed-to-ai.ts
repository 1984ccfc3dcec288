import type { Cited } from "../facts.js";
import type { DocReading } from "./passages.js";

/**
 * Text that speaks to an AI reading the doc, or tries to steer the drafter: orders to drop
 * its instructions, a new role, requests for its prompt or secrets. Talk *about* prompts (a
 * doc on an LLM feature describes its own system prompt) is not caught: only the second
 * person and the imperative are.
 */
const ADDRESSED = [
  /\b(ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}\b(previous|prior|above|earlier|preceding|all|any|your|the system'?s?)\b[^.\n]{0,20}\b(instructions?|prompts?|rules|guidelines|directions|context)\b/i,
  /\byou are now\b|\bfrom now on,? you\b|\bpretend (to be|you are)\b|\bact as (an?|the) (ai|assistant|model|llm|drafter|system)\b/i,
  /\bas an ai\b(?![\w-])|\bas a (large )?language model\b/i,
  /\byour (system prompt|hidden prompt|initial prompt|original instructions)\b/i,
  /\b(reveal|print|output|repeat|leak|dump|exfiltrate|tell me|give me|send me)\b[^.\n]{0,30}\b(your|the system)\b[^.\n]{0,20}\b(api[ _-]?keys?|secrets?|credentials|passwords?|access tokens?|prompt|instructions|environment variables|\.env)\b/i,
  /\b(dear|hey|hi|hello|attention|note (to|for)) (the )?(ai|llm|assistant|model|drafter|plandraft|chatgpt|gpt|claude|language model)\b/i,
  /\bif you are an? (ai|llm|language model|assistant|bot)\b/i,
  /\b(ai|llm|assistant|model|drafter)s?( reading this)?\s*[,:]\s*(please )?(ignore|disregard|write|output|add|include|mark|say|do not|don'?t|you must)\b/i,
  /\b(new|updated|real|actual|hidden) instructions?\s*:/i,
  /<\|im_start\|>|\[INST\]|<<SYS>>|^\s*#{2,}\s*(system|instruction)\s*:?\s*$/im,
];

/** Negated mentions ("must never print the API key") are requirements, not orders. */
const NEGATED =
  /\b(never|must not|mustn'?t|should not|shouldn'?t|do(es)? not|don'?t|won'?t|cannot|no)\b[^.\n]{0,25}$/i;

function addressesAi(text: string): boolean {
  return ADDRESSED.some((pattern) => {
    const match = pattern.exec(text);
    return match !== null && !NEGATED.test(text.slice(0, match.index));
  });
}

/**
 * Such text wherever it stands: a sentence, item or table row of the doc (cited whole, so a
 * sentence that runs over two lines is one fact, at the line of the words that make it so),
 * and each line of code blocks and front
 * matter, where the doc's own words are lines.
 */
export function readAddressedToAi(doc: DocReading, frontMatter: number): Cited[] {
  const found: Cited[] = [];
  for (const passage of doc.passages) {
    if (!addressesAi(passage.text)) continue;
    // The line the words addressed to an AI stand on, when the sentence runs over several.
    const next = doc.lines.slice(passage.line - 1, passage.line + 9).findIndex(addressesAi);
    found.push({ text: passage.text, line: passage.line + Math.max(next, 0) });
  }
  const rawLines = [
    ...Array.from({ length: frontMatter }, (_, i) => i + 1),
    ...doc.sections.flatMap((s) =>
      s.blocks.flatMap((b) => (b.kind === "code" ? b.lines.map((_, i) => b.line + i) : [])),
    ),
  ];
  for (const line of rawLines) {
    const text = (doc.lines[line - 1] ?? "").trim();
    if (text && addressesAi(text)) found.push({ text, line });
  }
  return found.sort((a, b) => a.line - b.line);
}

/** This many of a text's words in a row, in order, make a copy of it (all of them if fewer). */
const COPY_RUN = 6;

/**
 * Whether `text` copies `source` (text the doc addresses to an AI): it holds a run of six of the
 * source's words in order, or all of them when the source is shorter. Case and punctuation do
 * not count. The rule drafter's last guard and `check`'s AI_TEXT_COPIED both judge by it.
 */
export function copiesText(text: string, source: string): boolean {
  const words = wordsOf(source);
  if (words.length === 0) return false;
  const length = Math.min(COPY_RUN, words.length);
  const runs = new Set(runsOf(words, length));
  return runsOf(wordsOf(text), length).some((run) => runs.has(run));
}

/** The words `copiesText` compares: letters and digits, lower case. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function runsOf(words: string[], length: number): string[] {
  const runs: string[] = [];
  for (let i = 0; i + length <= words.length; i += 1)
    runs.push(words.slice(i, i + length).join(" "));
  return runs;
}
