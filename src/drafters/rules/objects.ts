import { isReference, pathKind } from "../../feature/headings.js";
import type { DocSection } from "../../feature/markdown.js";
import type { Statement } from "./statements.js";
import { sentences, wordCount } from "../../feature/plain-text.js";
import { firstSentence, shorten, unique } from "./text.js";

/** Named things a doc states outright: the plan lists them as they are written. */
export interface Endpoint {
  method: string | undefined;
  path: string;
  purpose: string | undefined;
  change: "new" | "modified";
  /** The doc says outright that it is new or changed; else `change` is only the default. */
  said?: boolean;
  /** The statement it was found in, for matching it to a repository. */
  source: string;
}

export interface DataObject {
  name: string;
  kind: "table" | "view";
  /** "read": an existing object the feature only reads. */
  change: "new" | "modified" | "read";
  /** The doc says outright that it is new, changed or read; else `change` is only the default. */
  said?: boolean;
  note: string | undefined;
  columns: string[];
  source: string;
}

const METHOD_PATH = /\b(GET|POST|PUT|PATCH|DELETE|HEAD)\b[\s`]*((?:\/[\w\-.:{}$~*]*)+)/g;
const CODE_PATH = /`(\/[\w\-.:{}$~/]+)`/g;
const FILE_ROOT = /^\/(var|etc|usr|tmp|home|opt|dev|proc|bin|sbin|run|mnt|lib|sys|root)\b/;
const MODIFIED = /\b(existing|modif\w*|chang\w*|extend\w*|alter\w*|updat\w*|trigger\w*|to the)\b/i;

export function findEndpoints(statements: Statement[]): Endpoint[] {
  const found: (Endpoint & { rank: number })[] = [];
  statements.forEach((statement, index) => {
    if (describesToday(statement)) return;
    const lead = leadInBefore(statements, index);
    const rank = statement.kind === "requirements" || statement.kind === "design" ? 0 : 1;
    for (const match of statement.text.matchAll(METHOD_PATH)) {
      const path = (match[2] ?? "").replace(/[.,;:]+$/, "");
      found.push({ ...endpoint(statement, match[1], path, match[0], lead), rank });
    }
    if (!/\b(api|endpoint|rest|http|url|route)s?\b/i.test(statement.text)) return;
    for (const match of statement.text.matchAll(CODE_PATH)) {
      const path = match[1] ?? "";
      if (!isApiPath(path, statement.text)) continue;
      found.push({ ...endpoint(statement, undefined, path, match[0], lead), rank: rank + 1 });
    }
  });
  const kept: (Endpoint & { rank: number; at: number })[] = [];
  const ranked = found
    .map((e, at) => ({ ...e, at }))
    .sort((a, b) => a.rank - b.rank || a.at - b.at);
  for (const entry of ranked) {
    const same = (k: Endpoint) =>
      k.path === entry.path && (!entry.method || !k.method || k.method === entry.method);
    if (!kept.some(same)) kept.push(entry);
  }
  return kept.sort((a, b) => a.at - b.at).map(({ rank: _rank, at: _at, ...e }) => e);
}

/** Says outright that a named table is new. */
const SAYS_NEW = /\b(new|add(s|ed|ing)?|introduc\w*|creat\w*)\b/i;
/** Says outright that an endpoint is new ("adds a supplier" says what it does, not that it is new). */
const NEW_ENDPOINT =
  /\bnew\b|\bintroduc\w*|\b(add|creat|expos)\w* (an? |the )?(new )?(\w+ )?(endpoint|route|api)s?\b/i;

/** Says something is built: not a statement of what exists. */
export const BUILDS = /\b(will|new|add(s|ed)?|introduc\w*|expos\w*|creat\w*|provid\w*)\b/i;

/**
 * A statement about what exists before the feature: "Today the app calls `GET /api/alerts`",
 * or a sentence of the summary or background that says nothing is built ("Partners poll
 * `GET /api/scores` every five minutes"). The endpoints it names are not the plan's.
 */
export function describesToday(statement: Pick<Statement, "text" | "kind">): boolean {
  if (BUILDS.test(statement.text)) return false;
  const context = statement.kind === "background" || statement.kind === "summary";
  return context || saysToday(statement.text);
}

/** "Today ...", "Currently ...": the doc describes what is, not what it plans. */
const TODAY = /\b(today|currently|at present|right now|as of now)\b/i;

/** The prose says "today": a code span's word (`GET /api/digests/today`) is a name, not a time. */
export function saysToday(text: string): boolean {
  return TODAY.test(text.replace(/`[^`]*`/g, " "));
}

function isApiPath(path: string, text: string): boolean {
  if (FILE_ROOT.test(path) || path.split("/").length < 3) return false;
  return /^\/api\b|\/v\d+\b/.test(path) || /\b(REST|API|endpoint)\b/.test(text);
}

function endpoint(
  statement: Statement,
  method: string | undefined,
  path: string,
  matched: string,
  lead: string | undefined,
): Endpoint {
  // Only what follows an endpoint that opens the statement says what it does; cutting it out of
  // the middle of a sentence would leave a sentence the doc never wrote ("POST ... to , then").
  const at = statement.text.indexOf(matched);
  const before = statement.text.slice(0, at).replace(/[`*]/g, "");
  const opens = at >= 0 && /^\s*(?:[\w.-]*\d[\w.-]*\s*[:—–-]?\s*)?$/.test(before);
  const rest = opens
    ? statement.text
        .slice(at + matched.length)
        .replace(/^[\s`*—–:;,.(-]+|[\s—–:;,(-]+$/g, "")
        .trim()
    : "";
  const purpose =
    wordCount(rest) >= 3 && !/^(on|at|to|by|in|of|is|for|from|with|and|or)\b/i.test(rest)
      ? shorten(firstSentence(rest), 140)
      : lead;
  const prose = statement.text.replace(matched, " ").replace(/`[^`]*`/g, "");
  const modified = /\b(existing|modif\w*|extend\w*)\b/i.test(prose) && !/\bnew\b/i.test(prose);
  const said = modified || NEW_ENDPOINT.test(prose);
  return {
    method,
    path,
    purpose,
    change: modified ? "modified" : "new",
    said,
    source: statement.text,
  };
}

/** "...enabled by a new API endpoint:" before a bare endpoint item says what it is for. */
function leadInBefore(statements: Statement[], index: number): string | undefined {
  for (let i = index - 1; i >= Math.max(0, index - 3); i -= 1) {
    const previous = statements[i];
    if (previous?.leadIn) return shorten(previous.text.replace(/[:：]$/, ""), 140);
    if (!previous?.item) return undefined;
  }
  return undefined;
}

/** UI routes: code-span paths in text about pages, not API endpoints. */
export function findRoutes(statements: Statement[], endpoints: Endpoint[]): string[] {
  const api = new Set(endpoints.map((e) => e.path));
  const routes: string[] = [];
  for (const statement of statements) {
    if (!/\b(page|tab|navigat\w*|route|screen|visit|UI)\b|进/.test(statement.text)) continue;
    for (const match of statement.text.matchAll(CODE_PATH)) {
      const path = match[1] ?? "";
      if (!api.has(path) && !FILE_ROOT.test(path) && !/^\/api\b/.test(path) && !/\.\w+$/.test(path))
        routes.push(path);
    }
  }
  return unique(routes);
}

const SQL_OBJECT =
  /\b(CREATE|ALTER)\s+(?:OR\s+REPLACE\s+)?(?:EXTERNAL\s+|TEMP(?:ORARY)?\s+|MATERIALIZED\s+)?(TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?([`"]?[\w.-]+[`"]?)/gi;
const NAMED_OBJECT = /\b(table|view)s?\s+(?:named|called)\s+`?([\w.-]+)`?/gi;
const CODE_OBJECTS = /((?:`[\w.-]+`(?:,\s*|\s+and\s+|\s+or\s+)?)+)\s+(table|view)s?\b/gi;
const PROSE_OBJECT = /\b(?:a|an|new)\s+((?:[a-z][\w-]*\s+){1,3}?)(table|view)\b/g;
const SHAPE_OF =
  /\b(?:shape|schema|columns) of (?:the|a|an)\s+((?:[a-z][\w-]*\s+){1,3}?)(table|view)\b/g;
/** Objects under these headings are ideas, risks or later work, not part of the plan. */
const NOT_PLANNED = new Set([
  "alternatives",
  "future",
  "nonGoals",
  "questions",
  "drawbacks",
  "background",
]);
const NOT_A_NAME =
  /^(new|single|separate|simple|dedicated|same|different|such|this|that|temporary|bq|big|whole|entire|following|proposed|above|below)$/;

/** Tables and views the doc creates or changes, from its SQL and its prose. */
export function findDataObjects(sections: DocSection[]): DataObject[] {
  const objects: DataObject[] = [];
  const add = (object: DataObject) => {
    const name = object.name.replace(/[`"]/g, "");
    if (!objects.some((o) => o.name.toLowerCase() === name.toLowerCase()))
      objects.push({ ...object, name });
  };
  for (const section of sections) {
    if (isReference(section.path) || NOT_PLANNED.has(pathKind(section.path) ?? "")) continue;
    let last: DataObject | undefined;
    for (const block of section.blocks) {
      if (block.kind === "code") {
        fromSql(block.lines.join("\n"), section.title).forEach(add);
      } else if (block.kind === "table") {
        const columns = columnNames(block.header, block.rows);
        if (columns.length > 0 && last) last.columns = columns;
      } else {
        // Sentence by sentence: a table's note is the sentence that names it, not its paragraph.
        const found = [
          ...fromSql(block.text, block.text),
          ...sentences(block.text).flatMap((sentence) => fromProse(sentence)),
        ];
        found.forEach(add);
        last =
          found.length > 0
            ? objects.find((o) => o.name === found.at(-1)?.name.replace(/[`"]/g, ""))
            : last;
      }
    }
  }
  return objects;
}

function fromSql(text: string, source: string): DataObject[] {
  return [...text.matchAll(SQL_OBJECT)].map((m) => ({
    name: m[3] ?? "",
    kind: (m[2] ?? "").toLowerCase() === "view" ? "view" : "table",
    change: (m[1] ?? "").toUpperCase() === "ALTER" ? "modified" : "new",
    said: true,
    note: undefined,
    columns: [],
    source,
  }));
}

function fromProse(text: string): DataObject[] {
  const found: DataObject[] = [];
  const object = (
    name: string,
    kind: string,
    change: DataObject["change"],
    said = true,
  ): DataObject => ({
    name,
    kind: kind.toLowerCase() === "view" ? "view" : "table",
    change,
    said,
    note: shorten(text, 160),
    columns: [],
    source: text,
  });
  for (const m of text.matchAll(NAMED_OBJECT))
    found.push(object(m[2] ?? "", m[1] ?? "", "new", SAYS_NEW.test(text)));
  const prose = text.replace(/`[^`]*`/g, "");
  for (const m of text.matchAll(CODE_OBJECTS)) {
    const change = MODIFIED.test(prose)
      ? "modified"
      : /\b(read|reads|query|queries|from|fetch\w*|look\w* up)\b/i.test(prose)
        ? "read"
        : "new";
    const said = change !== "new" || SAYS_NEW.test(prose);
    for (const name of (m[1] ?? "").match(/`[\w.-]+`/g) ?? [])
      found.push(object(name, m[2] ?? "", change, said));
  }
  if (!/\b(add|adds|create[sd]?|introduce[sd]?|define[sd]?|new|proposed|shape of)\b/i.test(text))
    return found;
  for (const m of [...text.matchAll(PROSE_OBJECT), ...text.matchAll(SHAPE_OF)]) {
    const words = (m[1] ?? "")
      .trim()
      .split(/\s+/)
      .filter((w) => !NOT_A_NAME.test(w));
    if (words.length === 0 || words.some((w) => /^(of|and|or|to|in|for|with|on)$/.test(w)))
      continue;
    found.push(object(`${words.join(" ")} ${m[2]}`, m[2] ?? "", "new"));
  }
  return found;
}

function columnNames(header: string[], rows: string[][]): string[] {
  const first = (header[0] ?? "").toLowerCase();
  if (!/^(column|field|name|attribute)s?$/.test(first) || !header.some((h) => /type/i.test(h)))
    return [];
  return rows.map((r) => (r[0] ?? "").replace(/`/g, "")).filter(Boolean);
}
