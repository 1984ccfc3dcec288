/** Small text helpers shared by the template parser, the renderers and the checks. */

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;

export interface HeadingLine {
  level: number;
  title: string;
}

export function parseHeading(line: string): HeadingLine | undefined {
  const match = HEADING.exec(line);
  if (!match?.[1] || match[2] === undefined) return undefined;
  return { level: match[1].length, title: match[2] };
}

export interface FenceLine {
  marker: string;
  info: string;
}

export function parseFence(line: string): FenceLine | undefined {
  const match = FENCE.exec(line);
  if (!match?.[1]) return undefined;
  return { marker: match[1], info: (match[2] ?? "").trim() };
}

/** Whether `line` closes a fence opened with `marker` (same character, at least as long). */
export function closesFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  const char = marker[0] ?? "`";
  return trimmed.length >= marker.length && [...trimmed].every((c) => c === char);
}

/** Splits text into lines, accepting CRLF and CR. */
export function splitLines(text: string): string[] {
  return text.replace(/\r\n?/g, "\n").split("\n");
}

/** "1. Data Repository (`/data`)" -> "data-repository-data" */
export function slugify(title: string): string {
  const slug = title
    .replace(/^\s*\d+[.)]\s+/, "")
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "section";
}

/** "Tables/Views New" -> "tables_views_new", at most 48 characters. */
export function snakeKey(text: string): string {
  const key = slugify(text).replace(/-/g, "_").slice(0, 48).replace(/_+$/, "");
  return /^[a-z_]/.test(key) ? key : `s_${key}`;
}

/** "repository-changes-overview" -> "repositoryChangesOverview" */
export function camelName(slug: string): string {
  const camel = slug.replace(/[-_/]+(\p{L}|\p{N})/gu, (_m, c: string) => c.toUpperCase());
  return /^[a-zA-Z]/.test(camel) ? camel : `s${camel}`;
}

/** Returns `base`, or `base_2`, `base_3`... whichever `taken` does not hold yet, and takes it. */
export function uniqueKey(base: string, taken: Set<string>): string {
  let key = base;
  for (let n = 2; taken.has(key); n += 1) key = `${base}_${n}`;
  taken.add(key);
  return key;
}
