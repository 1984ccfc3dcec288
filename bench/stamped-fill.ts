/**
 * A `fill` for the scripted model that writes send-time stamps (see `stampChunks` in
 * tests/support/scripted-llm.ts) into the text plandraft shows while it is still being written:
 * prose and topic slots, and the last item of a list. Those are shown as soon as their chunk
 * arrives, so the first delta that carries a stamp is the one that chunk caused. Text the template
 * shows only once its block is complete (table rows, checklists, diagrams, the first item of a
 * list) keeps the filler's plain words: its delay is the template's, not the server's.
 */
import { findTarget, isRecord } from "../tests/support/schema-filler.js";
import { stampPlaceholder, type ScriptedRequest } from "../tests/support/scripted-llm.js";

type Schema = Record<string, unknown>;

export function stampedFill(words: number) {
  const text = stampPlaceholder("t").repeat(words);
  return (path: string[], schema: unknown, req: ScriptedRequest): unknown => {
    if (!isRecord(schema) || "enum" in schema) return undefined;
    const items = schema.items;
    const list = schema.type === "array" && isRecord(items) && items.type === "string";
    if (schema.type !== "string" && !list) return undefined;
    if (!shownAsWritten(findTarget(req.body as Schema).schema, path)) return undefined;
    return list ? [`Scripted ${path.at(-1) ?? "item"} 1`, text] : text;
  };
}

/**
 * Whether the value at `path` is reached through object properties only (no array: rows,
 * diagram parts) and the object holding it has no boolean or enum property (a checklist item's
 * `status`, met or not_met; a repository unit's `has_changes` beside the `no_changes_reason` that
 * is never shown).
 */
function shownAsWritten(root: unknown, path: string[]): boolean {
  let node = nonNull(root);
  let holder: Schema | undefined;
  for (const key of path) {
    if (!isRecord(node) || !isRecord(node.properties)) return false;
    holder = node.properties;
    node = nonNull(holder[key]);
  }
  return !Object.values(holder ?? {}).some(
    (p) => isRecord(p) && (p.type === "boolean" || "enum" in p),
  );
}

/** The non-null branch of a nullable schema (`anyOf: [object, null]`). */
function nonNull(node: unknown): unknown {
  if (!isRecord(node) || !Array.isArray(node.anyOf)) return node;
  return node.anyOf.find((branch) => isRecord(branch) && branch.type !== "null");
}
