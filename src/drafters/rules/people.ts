import type { Statement } from "./statements.js";
import { termSource, unique, upperFirst } from "./text.js";
import { KNOWN_SYSTEMS } from "./vocabulary.js";

const ROLE =
  /\b(?:([A-Za-z][\w-]*)\s+)?(end[- ]users?|users?|owners?|authors?|operators?|administrators?|admins?|developers?|maintainers?|consumers?|customers?|engineers?|analysts?|data scientists?|reviewers?|contributors?|subscribers?|external systems?)\b/g;

/** Words before a role that are not part of its name ("the users", "our users"). */
const NOT_A_QUALIFIER = new Set(
  (
    "the a an our their its all other some many most for to of and or with new existing each every " +
    "these those that this by as from any more both no not only which who in on at your my his her " +
    "such same multiple single is are be can will should may might must allow allows let lets help " +
    "helps individual when where if so than then also most few several two three one see give gives " +
    "enable enables make makes let's whose what how we they across about between per via into " +
    "through without within over under after before during like"
  ).split(" "),
);

/** Who uses or calls the feature: "As a ..." roles first, then the roles the doc names most. */
export function findActors(statements: Statement[]): string[] {
  const counts = new Map<string, number>();
  const bump = (name: string, by: number) => counts.set(name, (counts.get(name) ?? 0) + by);
  for (const statement of statements) {
    const asA = /^as an?\s+([\w -]{2,40}?)(?:,|\bI\b)/i.exec(statement.text)?.[1];
    if (asA) bump(normalise(asA), 3);
    const zh = /作为\s*([\w -]{2,20}?)[,，]/u.exec(statement.text)?.[1];
    if (zh) bump(normalise(zh), 3);
    for (const match of statement.text.matchAll(ROLE)) {
      const word = match[1]?.toLowerCase() ?? "";
      const qualifier =
        word && !NOT_A_QUALIFIER.has(word) && !/(ing|ed|ly)$/.test(word) ? `${match[1]} ` : "";
      bump(normalise(`${qualifier}${match[2] ?? ""}`), 1);
    }
  }
  // "Owner" is the same actor as "Crate owner": the qualified name says more.
  for (const [name, n] of [...counts]) {
    const qualified = [...counts]
      .filter(
        ([other, m]) =>
          m >= 2 && other !== name && other.toLowerCase().endsWith(` ${name.toLowerCase()}`),
      )
      .sort((a, b) => b[1] - a[1])[0]?.[0];
    if (qualified) {
      counts.set(qualified, (counts.get(qualified) ?? 0) + n);
      counts.delete(name);
    }
  }
  const ranked = [...counts].filter(([, n]) => n >= 2).sort((a, b) => b[1] - a[1]);
  return unique(ranked.map(([name]) => name)).slice(0, 4);
}

function normalise(role: string): string {
  const singular = role
    .trim()
    .replace(
      /(system|user|owner|author|operator|administrator|admin|developer|maintainer|consumer|customer|engineer|analyst|scientist|reviewer|contributor|subscriber)s\b/i,
      "$1",
    );
  return upperFirst(singular.replace(/^end[- ]user$/i, "End user"));
}

/** Names that are also English words ("react", "spark") only count when capitalised. */
const ANY_CASE =
  /^(Docker|Kubernetes|Postgres|PostgreSQL|BigQuery|Databricks|Airflow|Kafka|Redis|Milvus|GitHub|lakeFS)$/;
const SYSTEM_PATTERNS = KNOWN_SYSTEMS.map((name) => ({
  name,
  pattern: new RegExp(termSource(name), ANY_CASE.test(name) ? "gi" : "g"),
}));
const NAMED_API = /\b((?:[A-Z][\w.-]* ){0,2}[A-Z][\w.-]*) (API|SDK|Client|CLI)\b/g;

/** External systems, APIs and services the doc names, most mentioned first. */
export function findIntegrations(statements: Statement[]): string[] {
  const text = statements.map((s) => s.text.replace(/https?:\/\/\S+/g, " ")).join("\n");
  const counts = new Map<string, number>();
  for (const { name, pattern } of SYSTEM_PATTERNS) {
    const count = text.match(pattern)?.length ?? 0;
    if (count > 0) counts.set(name, count);
  }
  for (const match of text.matchAll(NAMED_API)) {
    const name = `${match[1]} ${match[2]}`;
    if (
      /[a-z]/.test(match[1] ?? "") &&
      !/^(The|A|An|This|New|REST|HTTP|Public|Our|Kubernetes)\s/.test(name)
    )
      counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = [...counts].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  return names
    .filter(
      (name) =>
        !names.some(
          (other) =>
            other !== name &&
            other.includes(name) &&
            (counts.get(other) ?? 0) >= (counts.get(name) ?? 0),
        ),
    )
    .slice(0, 8);
}
