import { Lexer, type Token, type Tokens } from "marked";

/**
 * A plan is read in any markdown renderer, most of which follow any link. Links that text from a
 * model or a feature doc brings into the plan may only go to http(s), mailto, or a relative
 * path; any other link loses its target and keeps its text.
 */
const SAFE_SCHEMES = new Set(["http", "https", "mailto"]);

/**
 * Whether a link target is safe to follow, read as leniently as a browser reads an `href`:
 * character references decoded, backslash escapes undone, tabs and newlines removed anywhere,
 * control characters and spaces trimmed at the start, the scheme in any case. What still looks
 * odd before the first `/`, `?` or `#` (a colon, an `&`, a control character) is refused: that is
 * where a scheme hides.
 */
export function isSafeLinkTarget(href: string): boolean {
  const target = decodeReferences(href)
    .replace(/\\([!-/:-@[-`{-~])/g, "$1")
    .replace(/[\t\n\r]/g, "")
    .replace(/^[\u0000-\u0020]+/, "");
  const scheme = /^([a-z][a-z\d+.-]*):/i.exec(target)?.[1];
  if (scheme !== undefined) return SAFE_SCHEMES.has(scheme.toLowerCase());
  const head = /^[^/?#\\]*/.exec(target)?.[0] ?? "";
  return !/[:&\u0000-\u001f\u007f]/.test(head);
}

/** Numeric references (`&#106;`, `&#x6a`, with or without `;`) and the named ones URLs meet. */
function decodeReferences(text: string): string {
  return text
    .replace(/&#(x[\da-f]+|\d+);?/gi, (_, code: string) => {
      const point = code[0] === "x" || code[0] === "X" ? parseInt(code.slice(1), 16) : Number(code);
      return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : "\ufffd";
    })
    .replace(/&colon;/g, ":")
    .replace(/&Tab;/g, "\t")
    .replace(/&NewLine;/g, "\n");
}

/**
 * Text without these holds no link a renderer would follow anywhere but http(s) or mailto: a `]`
 * then `(`, `[` or `:` (inline links and images, references, definitions), `<` and a scheme
 * (autolinks), a bare ftp or xmpp autolink. Most prose has none (a `[NEEDS CLARIFICATION: ...]`
 * marker included), and is passed through without being parsed.
 */
const MAY_LINK = /\]\s*[([:]|<[a-z][a-z\d+.-]*:|ftp:|xmpp:/i;
/** Unlinking can reveal an outer link (`[[x](bad)](bad)`); past this many rounds, unlink all. */
const MAX_ROUNDS = 8;

/**
 * The markdown with every link, image and link definition whose target is not safe turned into
 * text: a link keeps its text, an image its alt text, a definition and an autolink are escaped.
 * Code spans are left as they are. Found with marked's lexer, so a link is whatever a renderer
 * reads as one; should a link not be found again in the text, every link goes.
 */
export function withSafeLinks(markdown: string): string {
  if (!MAY_LINK.test(markdown)) return markdown;
  let text = markdown;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const next = unlinkUnsafe(text);
    if (next === undefined) break;
    if (next === text) return text;
    text = next;
  }
  return unlinkAll(text);
}

/** One pass: each unsafe link replaced in place, or undefined when one cannot be placed. */
function unlinkUnsafe(text: string): string | undefined {
  let result = "";
  let cursor = 0;
  let lost = false;
  const visit = (token: Token): void => {
    const replacement = unlinked(token);
    const children = childrenOf(token);
    if (replacement === undefined && children.length > 0) {
      children.forEach(visit);
      return;
    }
    const at = text.indexOf(token.raw, cursor);
    if (at < 0) {
      lost ||= replacement !== undefined;
      return;
    }
    result += text.slice(cursor, at) + (replacement ?? token.raw);
    cursor = at + token.raw.length;
  };
  Lexer.lex(text, { gfm: true }).forEach(visit);
  return lost ? undefined : result + text.slice(cursor);
}

/** What an unsafe link becomes, or undefined for anything else. */
function unlinked(token: Token): string | undefined {
  if (token.type !== "link" && token.type !== "image" && token.type !== "def") return undefined;
  if (isSafeLinkTarget(String(token.href))) return undefined;
  const raw = token.raw;
  if (token.type === "def") return raw.replace("[", "\\[");
  if (raw.startsWith("[") || raw.startsWith("!")) return "text" in token ? String(token.text) : "";
  if (raw.startsWith("<")) return `\\${raw}`;
  // A bare autolink (ftp://…): its colon escaped, it is plain text.
  return raw.replace(":", "\\:");
}

function childrenOf(token: Token): Token[] {
  const children: Token[] = [];
  if ("tokens" in token && Array.isArray(token.tokens)) children.push(...token.tokens);
  if (token.type === "list") children.push(...(token as Tokens.List).items);
  if (token.type === "table") {
    const { header, rows } = token as Tokens.Table;
    children.push(...[header, ...rows].flat().flatMap((cell) => cell.tokens));
  }
  return children;
}

/** The last resort: no bracket, angle bracket or bare ftp/xmpp colon is left to make a link. */
function unlinkAll(text: string): string {
  return text
    .replace(/\\[\s\S]|[[<]/g, (match) => (match.length === 1 ? `\\${match}` : match))
    .replace(/\b(ftp|xmpp):/gi, "$1\\:");
}
