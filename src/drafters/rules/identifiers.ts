import { isReference } from "../../feature/headings.js";
import type { DocSection } from "../../feature/markdown.js";
import type { Statement } from "./statements.js";
import { shorten, unique } from "./text.js";

/** Names a doc uses for configuration, commands and types: listed as written. */
export interface EnvVar {
  name: string;
  purpose: string | undefined;
}

/** Environment variables: from a variables table, `NAME=` lines in code, or prose about them. */
export function findEnvVars(sections: DocSection[], statements: Statement[]): EnvVar[] {
  const vars = new Map<string, string | undefined>();
  const add = (name: string, purpose?: string) => {
    if (name.length >= 5 && (!vars.has(name) || (!vars.get(name) && purpose)))
      vars.set(name, purpose && shorten(purpose, 120));
  };
  for (const section of sections) {
    for (const block of section.blocks) {
      if (block.kind === "table" && /var|env|name|key|setting/i.test(block.header[0] ?? "")) {
        for (const row of block.rows) {
          const name = (row[0] ?? "").replace(/`/g, "");
          if (/^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(name)) add(name, row.at(-1));
        }
      }
      if (block.kind === "code") block.lines.forEach((line) => fromCodeLine(line, add));
    }
  }
  for (const statement of statements) {
    if (!/\b(env\w*|variables?|default|config\w*|secrets?)\b/i.test(statement.text)) continue;
    for (const match of statement.text.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])`/g))
      add(match[1] ?? "");
  }
  return [...vars].map(([name, purpose]) => ({ name, purpose }));
}

function fromCodeLine(line: string, add: (name: string, purpose?: string) => void): void {
  const assigned = /^\s*(?:export\s+|-\s+name:\s*)?([A-Z][A-Z0-9]*_[A-Z0-9_]+)\s*[=:]/.exec(line);
  if (assigned?.[1]) add(assigned[1]);
  const described = /^\s*#\s*([A-Z][A-Z0-9]*_[A-Z0-9_]+)\s+[-—:]\s+(.+)$/.exec(line);
  if (described?.[1]) add(described[1], described[2]);
}

const CLI =
  /^(sudo\s+)?(docker(-compose)?|kubectl|helm|npm|npx|yarn|pnpm|cargo|pip|pipx|git|make|curl|crictl|go|python3?|terraform|lakectl|airflow|gcloud|bq|dbt|spark-submit|systemctl|apt(-get)?|yum|brew|podman|nerdctl|oras|kind|minikube|uv|poetry)\b/;

/** Shell commands: the first command of each shell block, and inline commands in prose. */
export function findCommands(sections: DocSection[], statements: Statement[]): string[] {
  const commands: string[] = [];
  for (const section of sections) {
    if (isReference(section.path)) continue;
    for (const block of section.blocks) {
      if (block.kind !== "code" || !/^(bash|sh|shell|console|zsh|)$/.test(block.info)) continue;
      const line = block.lines.map((l) => l.trim().replace(/^\$\s+/, "")).find((l) => CLI.test(l));
      if (line && line.length <= 100) commands.push(line.replace(/\s*\\$/, ""));
    }
  }
  for (const statement of statements) {
    for (const match of statement.text.matchAll(/`([^`]+)`/g)) {
      const code = (match[1] ?? "").trim();
      if (CLI.test(code) && code.includes(" ") && code.length <= 100) commands.push(code);
    }
  }
  return unique(commands).slice(0, 8);
}

const DECLARATION =
  /\b(?:record|class|interface|struct|message|type|enum|model)\s+([A-Z][A-Za-z0-9]{2,})/g;
const CAMEL = /`([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)`|\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+)\b/g;

/** Types the doc declares in code, and CamelCase names it uses in prose: its API objects. */
export function findTypeNames(sections: DocSection[], statements: Statement[]): string[] {
  const counts = new Map<string, number>();
  const bump = (name: string, by: number) => counts.set(name, (counts.get(name) ?? 0) + by);
  for (const section of sections) {
    if (isReference(section.path)) continue;
    for (const block of section.blocks) {
      if (block.kind !== "code") continue;
      for (const match of block.lines.join("\n").matchAll(DECLARATION)) bump(match[1] ?? "", 2);
    }
    for (const match of section.title.matchAll(CAMEL)) bump(match[1] ?? match[2] ?? "", 2);
  }
  for (const statement of statements) {
    for (const match of statement.text.matchAll(CAMEL)) bump(match[1] ?? match[2] ?? "", 1);
  }
  return [...counts]
    .filter(
      ([name, count]) =>
        count >= 2 &&
        !/^(JavaScript|TypeScript|GitHub|PostgreSQL|BigQuery|OpenAI|LangGraph|FastAPI|DataHub|OpenLineage|PyPI|YouTube|LinkedIn)$/.test(
          name,
        ),
    )
    .sort((a, b) => b[1] - a[1])
    .map(([name]) => name)
    .slice(0, 8);
}
