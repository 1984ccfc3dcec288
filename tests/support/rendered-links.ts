// What "any markdown renderer" makes of a plan, with marked (which sanitizes nothing) standing in:
// the targets it would follow, and the scheme a browser would read in each.
import { Lexer, marked, type Token } from "marked";

/** The markdown as HTML, the way a renderer without a sanitizer shows it. */
export function renderedHtml(markdown: string): string {
  return marked.parse(markdown, { async: false, gfm: true });
}

/** Every link and image target in the HTML of `markdown`: what a renderer would follow. */
export function targetsIn(markdown: string): string[] {
  return [...renderedHtml(markdown).matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1] ?? "");
}

/** The scheme a browser follows for an attribute value (references decoded), or "relative". */
export function followedScheme(target: string): string {
  const decoded = target
    .replace(/&#(x[\da-f]+|\d+);?/gi, (_, c: string) =>
      String.fromCodePoint(c[0]?.toLowerCase() === "x" ? parseInt(c.slice(1), 16) : Number(c)),
    )
    .replace(/&colon;/g, ":")
    .replace(/&amp;/g, "&")
    .replace(/[\t\n\r]/g, "")
    .replace(/^[\u0000-\u0020]+/, "");
  return /^([a-z][a-z\d+.-]*):/i.exec(decoded)?.[1]?.toLowerCase() ?? "relative";
}

/** Every raw HTML piece (block or inline) that a renderer would pass through as markup. */
export function rawHtmlIn(markdown: string): string[] {
  const found: string[] = [];
  const visit = (token: Token): void => {
    if (token.type === "html") found.push(token.raw);
    if ("tokens" in token && Array.isArray(token.tokens)) token.tokens.forEach(visit);
    if ("items" in token && Array.isArray(token.items)) (token.items as Token[]).forEach(visit);
    if (token.type === "table") {
      for (const cell of [token.header, ...token.rows].flat())
        (cell.tokens as Token[]).forEach(visit);
    }
  };
  Lexer.lex(markdown, { gfm: true }).forEach(visit);
  return found;
}
