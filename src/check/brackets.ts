import { referenceLabel } from "./scan.js";

/** A balanced `[...]` span: `start` is the `[`, `end` is one past the `]`. */
export interface Span {
  start: number;
  end: number;
}

/** Every balanced bracket span of a line, nested ones included; `\[` is not a bracket. */
export function bracketSpans(text: string): Span[] {
  const spans: Span[] = [];
  const open: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === "\\") i += 1;
    else if (char === "[") open.push(i);
    else if (char === "]") {
      const start = open.pop();
      if (start !== undefined) spans.push({ start, end: i + 1 });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

const inner = (text: string, span: Span) => text.slice(span.start + 1, span.end - 1);

/** `[ ]`, `[x]`, `[X]`: a task-list box, not a placeholder. */
export function isTaskBox(text: string): boolean {
  return /^\[[ xX]\]$/.test(text);
}

/**
 * Whether the span is the text or label of a markdown link: inline `[t](url)`, or a
 * reference `[t][label]`, `[t][]`, `[label]` whose label is defined in the plan.
 */
export function isLink(text: string, span: Span, spans: Span[], references: Set<string>): boolean {
  const after = text[span.end];
  if (after === "(") return true;
  const label = spans.find((s) => s.start === span.end);
  if (label) {
    const name = inner(text, label).trim() || inner(text, span);
    return references.has(referenceLabel(name));
  }
  return references.has(referenceLabel(inner(text, span)));
}

/**
 * The value, if it is exactly one bracketed phrase that is neither a task box nor a
 * reference link defined in the plan; else undefined. A trailing period is ignored.
 */
export function onlyBracketed(value: string, references: Set<string>): string | undefined {
  const trimmed = value.trim().replace(/\.$/, "").trim();
  if (!trimmed.startsWith("[") || isTaskBox(trimmed)) return undefined;
  const whole = bracketSpans(trimmed).find((s) => s.start === 0 && s.end === trimmed.length);
  if (!whole || !/\S/.test(inner(trimmed, whole))) return undefined;
  return references.has(referenceLabel(inner(trimmed, whole))) ? undefined : trimmed;
}
