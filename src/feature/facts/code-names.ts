import type { Cited, FeatureFacts } from "../facts.js";
import { type DocReading, lineOfFragment } from "./passages.js";

const CODE_SPAN = /(`+)([^`]+?)\1/g;
const METHOD = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS";
/** `GET /v1/x`, or a bare API path: `/api/watchlist`, `/v2/items/{id}`. */
const ENDPOINT = new RegExp(`^((${METHOD})\\s+\\S+|/(api|v\\d+)(/\\S*)?)$`);
/**
 * A method and a path in prose need no code span: nothing else reads like POST /api/x. The
 * path may be a code span of its own: DELETE `/api/x/:id`.
 */
const PROSE_ENDPOINT = new RegExp(`\\b(${METHOD})\\s+\`?(/[\\w\\-./{}:*]*[\\w}*/])\`?`, "g");

const FILE_EXTENSION =
  /(^|\/)[\w@<>{}$-][\w.@<>{}$-]*\.(py|ts|tsx|js|jsx|mjs|cjs|json|ya?ml|toml|ini|cfg|conf|md|sql|sh|go|rs|java|kt|rb|php|cs|html|css|scss|txt|csv|parquet|proto|lock|tf|hcl|ipynb|xml|gradle|properties|env)$/i;
const FILE_NAME =
  /(^|\/)(Dockerfile|Makefile|Procfile|Jenkinsfile|docker-compose\.ya?ml|\.env(\.\w+)?)$/;
const DIRECTORY = /^[\w.-]+(\/[\w.-]+)*\/$/;
/** `schema.table` or `catalog.schema.table`, in lower snake case as warehouses name them. */
const TABLE_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*){1,2}$/;
/** Schemas that only warehouses have; elsewhere the sentence must speak of tables. */
const WAREHOUSE_SCHEMA =
  /^(gold|silver|bronze|raw|staging|stg|mart|marts|dim|fact|analytics|reporting|curated|landing|warehouse|dwh|edw)\./i;
const TABLE_WORDS =
  /\b(tables?|views?|schemas?|warehouse|columns?|datasets?|catalog|delta|sql|database|partitions?|rows?)\b/i;

/**
 * Endpoints, tables and files the doc names: in code spans (where names are written as
 * names), and endpoints in prose as a method and a path. Each is cited once, where it first
 * appears, as written.
 */
export function readCodeNames(doc: DocReading, skip: ReadonlySet<number>): FeatureFacts["names"] {
  const names: FeatureFacts["names"] = { endpoints: [], tables: [], files: [] };
  const add = (list: Cited[], text: string, line: number) => {
    if (!list.some((c) => c.text === text)) list.push({ text, line });
  };
  // A bare path (`/api/x`) is the same endpoint as a method on it; the method says more.
  const endpoint = (text: string, line: number) => {
    const path = text.replace(new RegExp(`^(${METHOD})\\s+`), "");
    const samePath = names.endpoints.some((c) => c.text === path || c.text.endsWith(` ${path}`));
    const bare = names.endpoints.findIndex((c) => c.text === path);
    if (text === path ? samePath : names.endpoints.some((c) => c.text === text)) return;
    if (bare >= 0) names.endpoints.splice(bare, 1, { text, line });
    else names.endpoints.push({ text, line });
  };

  for (const passage of doc.passages) {
    if (passage.reference || skip.has(passage.line)) continue;
    // A sentence may run over lines: a name is cited on the line it stands on.
    const at = (fragment: string) => lineOfFragment(doc, passage, fragment);
    for (const match of passage.text.matchAll(PROSE_ENDPOINT))
      endpoint(`${match[1]} ${match[2]}`, at(match[2] ?? ""));
    for (const match of passage.text.matchAll(CODE_SPAN)) {
      const code = (match[2] ?? "").trim();
      if (ENDPOINT.test(code)) endpoint(code.replace(/\s+/g, " "), at(code));
      else if (/\s/.test(code) || /^\w+:\/\//.test(code)) continue;
      else if (FILE_EXTENSION.test(code) || FILE_NAME.test(code) || DIRECTORY.test(code))
        add(names.files, code, at(code));
      else if (
        TABLE_NAME.test(code) &&
        (WAREHOUSE_SCHEMA.test(code) || TABLE_WORDS.test(passage.plain))
      )
        add(names.tables, code, at(code));
    }
  }
  return names;
}
