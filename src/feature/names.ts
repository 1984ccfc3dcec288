/**
 * Titles and file names come from people and are kept as given; they are escaped only where they
 * are rendered into markdown. What cannot be shown as one line of text is refused where it comes
 * in (the CLI's arguments, the API's fields), with the fix.
 */

export const MAX_TITLE_LENGTH = 200;
/** The longest file name common file systems allow, so no real file is refused for its length. */
export const MAX_FILE_NAME_LENGTH = 255;

/** Control characters, and the bidirectional overrides that make text read other than it is. */
const UNSHOWN = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
const UNSHOWN_RUNS = /[\s\p{Cc}\u202a-\u202e\u2066-\u2069]+/gu;

/** What is wrong with a title a person gave, or undefined when nothing is. */
export function titleProblem(title: string): string | undefined {
  if (!title.trim()) return "is blank: give a title, or leave it out to take the doc's";
  return tooLong(title, MAX_TITLE_LENGTH) ?? unshown(title);
}

/** What is wrong with a feature doc's file name, or undefined when nothing is. */
export function fileNameProblem(name: string): string | undefined {
  if (/^\.*$/.test(name.trim())) return "is not a file name";
  return tooLong(name, MAX_FILE_NAME_LENGTH) ?? unshown(name);
}

/** A name found in a doc's text, as one line: whitespace and unshown characters folded. */
export function oneLine(text: string): string {
  return text.replace(UNSHOWN_RUNS, " ").trim();
}

function tooLong(text: string, max: number): string | undefined {
  return text.length > max
    ? `is ${text.length} characters long, over the ${max} allowed: shorten it`
    : undefined;
}

function unshown(text: string): string | undefined {
  const found = UNSHOWN.exec(text);
  if (!found) return undefined;
  const code = (found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
  return `has a control character (U+${code}) at position ${found.index + 1}: remove it`;
}
