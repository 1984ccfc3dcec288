import { camelName, slugify } from "../../src/template/text.js";
import type { Section, Template } from "../../src/template/types.js";

/**
 * The work a template asks for: which graph node drafts which section, which sections wait
 * for which, and which section fans out into one model call per sub-section (per repository).
 */
export interface DraftLayout {
  template: Template;
  /** Graph nodes that draft sections, in template order. */
  nodes: SectionNode[];
  /** Every unit of drafting work, in template order. */
  units: WorkUnit[];
  /** The section filled by code at ingest (feature name, link, date), when the template has one. */
  documentControl: Section | undefined;
}

export interface SectionNode {
  /** Graph node name, e.g. "architecture" or "repoChanges". */
  name: string;
  /** The H2 section it drafts. */
  section: Section;
  /** Names of the nodes whose sections this one reads. */
  dependsOn: string[];
  /** True when the node runs once per sub-section (LangGraph `Send`). */
  fanOut: boolean;
  /** The prompt file for this node (without `.md`). */
  prompt: string;
}

export interface WorkUnit {
  /** The drafted section's id (an H2, or an H3 under a fan-out node). */
  id: string;
  node: string;
  section: Section;
  /** For a fan-out unit: the repository it covers, e.g. "/data" (from backticks in its heading). */
  repo: string | undefined;
}

interface KnownSection {
  node: string;
  after: string[];
  fanOut?: boolean;
}

/**
 * The default template's sections and how they depend on each other. Matched by title, so an
 * edited copy of the default template keeps the parallel shape for the sections it kept.
 */
const KNOWN_SECTIONS: Record<string, KnownSection> = {
  "architecture-alignment": { node: "architecture", after: [] },
  "repository-changes-overview": { node: "repoChanges", after: [], fanOut: true },
  "data-flow-architecture": { node: "dataFlow", after: [] },
  "testing-strategy": { node: "testing", after: ["architecture", "repoChanges", "dataFlow"] },
  "implementation-phases": { node: "phases", after: ["architecture", "repoChanges", "dataFlow"] },
  "executive-summary": {
    node: "summary",
    after: ["architecture", "repoChanges", "dataFlow", "testing", "phases"],
  },
  "success-criteria": { node: "successCriteria", after: ["summary"] },
};

const DOCUMENT_CONTROL = "document-control";
/**
 * Names a section's node cannot take: the graph's own steps, and its state's keys (LangGraph
 * refuses a node named as a state channel). tests/unit/topology.test.ts checks the state's.
 */
export const RESERVED_NODES = new Set([
  ...["ingest", "analyze", "review", "check", "repair", "assemble", "revise", "revisionWave"],
  ...["revisionReview", "unrevised"],
  ...["featureText", "featureSource", "date", "feature", "facts", "brief", "reviewFirst"],
  ...["reviewed", "grounding", "drafts", "usage", "repairs", "checks", "revision", "revised"],
  ...["replaced", "findings", "markdown", "unitId"],
]);

export function buildLayout(template: Template): DraftLayout {
  const nodes: SectionNode[] = [];
  const taken = new Set(RESERVED_NODES);
  let documentControl: Section | undefined;
  for (const section of template.sections) {
    if (slugify(section.title) === DOCUMENT_CONTROL) {
      documentControl = section;
      continue;
    }
    if (!hasWork(section)) continue;
    nodes.push(nodeFor(section, taken));
  }
  const names = new Set(nodes.map((n) => n.name));
  for (const node of nodes) node.dependsOn = node.dependsOn.filter((d) => names.has(d));
  return { template, nodes, units: nodes.flatMap(unitsOf), documentControl };
}

function nodeFor(section: Section, taken: Set<string>): SectionNode {
  const known = KNOWN_SECTIONS[slugify(section.title)];
  if (known && !taken.has(known.node)) {
    taken.add(known.node);
    const fanOut = Boolean(known.fanOut) && canFanOut(section);
    return { name: known.node, section, dependsOn: [...known.after], fanOut, prompt: known.node };
  }
  let name = camelName(slugify(section.title));
  for (let n = 2; taken.has(name); n += 1) name = `${camelName(slugify(section.title))}${n}`;
  taken.add(name);
  return { name, section, dependsOn: [], fanOut: false, prompt: "section" };
}

/** Fan out only when the section's own text needs nothing and it has sub-sections. */
function canFanOut(section: Section): boolean {
  return section.children.length > 0 && !section.blocks.some((b) => b.kind !== "literal");
}

function unitsOf(node: SectionNode): WorkUnit[] {
  if (!node.fanOut)
    return [{ id: node.section.id, node: node.name, section: node.section, repo: undefined }];
  return node.section.children.map((child) => ({
    id: child.id,
    node: node.name,
    section: child,
    repo: /`([^`]+)`/.exec(child.title)?.[1] ?? child.title,
  }));
}

function hasWork(section: Section): boolean {
  return section.blocks.some((b) => b.kind !== "literal") || section.children.some(hasWork);
}

/** Each section node's step in the graph after analyze: 1 for those that wait on no other. */
export function nodeDepths(layout: DraftLayout): Map<string, number> {
  const depth = new Map<string, number>();
  const byName = new Map(layout.nodes.map((n) => [n.name, n]));
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const node = byName.get(name);
    const value = 1 + Math.max(0, ...(node?.dependsOn ?? []).map(depthOf));
    depth.set(name, value);
    return value;
  };
  for (const node of layout.nodes) depthOf(node.name);
  return depth;
}

/** The longest chain of model calls through the section nodes (analyze counts as one). */
export function criticalPathCalls(layout: DraftLayout): number {
  return 1 + Math.max(0, ...nodeDepths(layout).values());
}

/** Names of the nodes that read `name`'s sections, directly or through others. */
export function dependentsOf(layout: DraftLayout, name: string): string[] {
  const found = new Set<string>();
  const visit = (current: string) => {
    for (const node of layout.nodes) {
      if (node.dependsOn.includes(current) && !found.has(node.name)) {
        found.add(node.name);
        visit(node.name);
      }
    }
  };
  visit(name);
  return layout.nodes.filter((n) => found.has(n.name)).map((n) => n.name);
}

/** The repositories the template plans for, as it names them (e.g. `/data`), in template order. */
export function templateRepos(layout: DraftLayout): string[] {
  return layout.units.flatMap((u) => (u.repo ? [u.repo] : []));
}

/**
 * The titles a plan's content can be said to hang on: every drafted section and, for a section
 * drafted once per repository, each repository's sub-section too.
 */
export function sectionTitles(layout: DraftLayout): string[] {
  const titles = layout.nodes.flatMap((node) => [
    node.section.title,
    ...layout.units.filter((u) => u.node === node.name && u.repo).map((u) => u.section.title),
  ]);
  return [...new Set(titles)];
}

/** A unit's title as a reader finds it: a repository's sub-section under its section's title. */
export function unitTitle(layout: DraftLayout, unit: WorkUnit): string {
  const parent = layout.nodes.find((n) => n.name === unit.node);
  return unit.repo ? `${parent?.section.title ?? ""} › ${unit.section.title}` : unit.section.title;
}
