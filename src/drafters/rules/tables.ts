import type { TableBlock } from "../../template/types.js";
import type { DraftContext } from "./context.js";
import { dataObjectValues, ownedEndpoints } from "./owned.js";
import { shorten } from "./text.js";
import { todo } from "./todo.js";

type Column = TableBlock["columns"][number];
/** One fact, by the role each of its parts can play in a row. */
type Fact = Partial<Record<Role, string>>;
type Role = "name" | "why" | "effect" | "kind" | "answer";

/** Which role a column plays, by its title. */
const ROLES: [Role, RegExp][] = [
  ["why", /rationale|why|reason|description|purpose|detail|notes?|justification/i],
  ["effect", /impact|implication|consequence|effect|trade-?off/i],
  ["answer", /assumption|answer|mitigation|resolution|default/i],
  ["kind", /method|type|kind|category|priority/i],
];

/**
 * Rows for a template table, from the facts its columns ask for: decisions, risks, questions,
 * endpoints, variables, tables. A table nothing in the doc fills gets one row of TODOs.
 */
export function tableRows(ctx: DraftContext, block: TableBlock): Record<string, string>[] {
  const facts = factsFor(ctx, block).slice(0, 8);
  const rows = facts.length > 0 ? facts : [{}];
  return rows.map((fact) =>
    Object.fromEntries(block.columns.map((column, i) => [column.key, cell(fact, column, i)])),
  );
}

function cell(fact: Fact, column: Column, index: number): string {
  const role = index === 0 ? "name" : ROLES.find(([, pattern]) => pattern.test(column.title))?.[0];
  const value = role ? fact[role] : undefined;
  return value
    ? shorten(value, 180)
    : todo(column.title, column.instruction === column.title ? "" : column.instruction);
}

function factsFor(ctx: DraftContext, block: TableBlock): Fact[] {
  const titles = block.columns.map((c) => c.title).join(" ");
  const { facts, brief } = ctx;
  if (/decision|choice|option/i.test(titles)) {
    // A person's answers at the review gate are decisions too, and the most recent: first.
    const decided = ctx.answers.map((a) => ({
      name: a.answer,
      why: `Decided when the brief was reviewed, answering: ${a.question}`,
    }));
    const stated = facts.decisions.map((d) => ({
      name: d.decision,
      why: d.rationale,
      effect: d.impact,
    }));
    return [...decided, ...stated];
  }
  if (/risk|issue|concern/i.test(titles))
    return brief.open_questions.map((q) => ({ name: q.question, answer: q.assumption }));
  if (/question/i.test(titles))
    return brief.open_questions.map((q) => ({ name: q.question, answer: q.assumption }));
  if (/endpoint|route|path/i.test(titles)) {
    return ownedEndpoints(ctx).map((e) => ({
      name: `\`${e.method ? `${e.method} ` : ""}${e.path}\``,
      kind: e.method,
      why: e.purpose,
    }));
  }
  if (/variable|\benv\b|setting|config/i.test(titles))
    return facts.envVars.map((v) => ({ name: `\`${v.name}\``, why: v.purpose }));
  if (/table|entity|object|schema/i.test(titles))
    return dataObjectValues(ctx, { short: false }, undefined).map((name) => ({ name }));
  if (/test/i.test(titles))
    return [
      ...facts.tests.unit,
      ...facts.tests.integration,
      ...facts.tests.e2e,
      ...facts.tests.general,
    ].map((name) => ({ name }));
  return brief.in_scope.slice(0, 5).map((name) => ({ name }));
}
