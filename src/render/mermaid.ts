import type { FlowchartContent, SequenceContent } from "../template/schema.js";

/**
 * Diagrams are drawn by code from structured data, so a diagram parses whatever text the model
 * wrote: identifiers are generated, and every label is entity-encoded where mermaid would read
 * it as syntax.
 */

/** Keeps letters, digits and plain punctuation; encodes the rest as mermaid `#code;` entities. */
export function mermaidLabel(text: string): string {
  const folded = text.replace(/\s+/g, " ").trim() || "-";
  return [...folded]
    .map((char) => (/[\p{L}\p{N} .,!?'/_-]/u.test(char) ? char : `#${char.codePointAt(0)};`))
    .join("");
}

/** Maps the model's ids to safe ones (n1, n2...), adding nodes that links name but do not list. */
function idMap(ids: string[], prefix: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const id of ids) if (!map.has(id)) map.set(id, `${prefix}${map.size + 1}`);
  return map;
}

export function renderFlowchart(diagram: FlowchartContent): string[] {
  const labels = new Map(diagram.nodes.map((n) => [n.id, n.label]));
  const ids = idMap(
    [...diagram.nodes.map((n) => n.id), ...diagram.links.flatMap((l) => [l.from, l.to])],
    "n",
  );
  const lines = ["flowchart LR"];
  for (const [id, safe] of ids) lines.push(`    ${safe}["${mermaidLabel(labels.get(id) ?? id)}"]`);
  for (const link of diagram.links) {
    const label = link.label?.trim() ? `|"${mermaidLabel(link.label)}"|` : "";
    lines.push(`    ${ids.get(link.from)} -->${label} ${ids.get(link.to)}`);
  }
  return lines;
}

export function renderSequence(diagram: SequenceContent): string[] {
  const labels = new Map(diagram.participants.map((p) => [p.id, p.label]));
  const ids = idMap(
    [...diagram.participants.map((p) => p.id), ...diagram.messages.flatMap((m) => [m.from, m.to])],
    "p",
  );
  const lines = ["sequenceDiagram"];
  for (const [id, safe] of ids)
    lines.push(`    participant ${safe} as ${mermaidLabel(labels.get(id) ?? id)}`);
  for (const message of diagram.messages) {
    const arrow = message.reply ? "-->>" : "->>";
    lines.push(
      `    ${ids.get(message.from)}${arrow}${ids.get(message.to)}: ${mermaidLabel(message.text)}`,
    );
  }
  return lines;
}
