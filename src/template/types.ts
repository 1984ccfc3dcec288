/**
 * A plan template, parsed: the heading tree, and inside each heading the lines a drafter
 * must fill. Every line of the template is kept as a block, so a plan rendered from it has
 * the template's exact headings, tables and checklists in the template's order.
 */
export interface Template {
  /** The H1 text, e.g. "Implementation Plan". */
  title: string;
  /** The H1 line, verbatim. */
  titleLine: string;
  /** Blocks between the H1 and the first H2 (document-level guidance). */
  preamble: Block[];
  /** The H2 sections, in template order. */
  sections: Section[];
  /** The template text it came from. */
  source: string;
}

export interface Section {
  /** Stable id from the heading path, e.g. "repository-changes-overview/data-repository-data". */
  id: string;
  title: string;
  /** The heading line, verbatim (e.g. "### 1. Data Repository (`/data`)"). */
  headingLine: string;
  level: number;
  /** 1-based line of the heading in the template. */
  line: number;
  blocks: Block[];
  children: Section[];
}

/** A line (or fenced/table group of lines) of a template section. */
export type Block =
  | LiteralBlock
  | GuidanceBlock
  | FieldBlock
  | TopicBlock
  | ChecklistBlock
  | TableBlock
  | DiagramBlock;

/** Kept verbatim in the plan: blank lines, rules, group labels such as `**Component Strategy:**`. */
export interface LiteralBlock {
  kind: "literal";
  text: string;
}

/** An italic guidance line: an instruction, replaced in the plan by prose. */
export interface GuidanceBlock {
  kind: "guidance";
  key: string;
  instruction: string;
}

/** `prefix**Label:** [slot]` or `- Label: [slot]`: a labelled value. */
export interface FieldBlock {
  kind: "field";
  key: string;
  /** Everything before the label: indentation and list marker. */
  prefix: string;
  label: string;
  /** Whether the label was bold in the template. */
  bold: boolean;
  /** Trailing whitespace of the template line (a markdown hard break), kept. */
  suffix: string;
  slot: Slot;
  /** Labels of the enclosing groups (e.g. "Tables/Views"), for the drafter's context. */
  context: string[];
}

export type Slot = { kind: "text"; instruction: string } | { kind: "choice"; options: string[] };

/** A plain list item such as `- Sources and formats`: kept as a label, with text after it. */
export interface TopicBlock {
  kind: "topic";
  key: string;
  prefix: string;
  label: string;
  context: string[];
}

export interface ChecklistBlock {
  kind: "checklist";
  key: string;
  items: { key: string; prefix: string; label: string }[];
}

export interface TableBlock {
  kind: "table";
  key: string;
  columns: { key: string; title: string; instruction: string }[];
  /** The header and separator lines, verbatim. */
  headerLines: [string, string];
}

export interface DiagramBlock {
  kind: "diagram";
  key: string;
  diagram: "flowchart" | "sequence";
  instruction: string;
  /** The opening fence line, verbatim (e.g. "```mermaid"). */
  fence: string;
}

export type FillableBlock = Exclude<Block, LiteralBlock>;
