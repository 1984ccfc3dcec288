import type { FeatureFacts } from "../../feature/facts.js";
import type { FeatureDoc } from "../../feature/feature-doc.js";
import {
  type Decision,
  findDecisions,
  findDocPhases,
  findFlowSteps,
  findTests,
  type TestFacts,
} from "./design.js";
import { type DocSection, parseDoc } from "../../feature/markdown.js";
import { type EnvVar, findCommands, findEnvVars, findTypeNames } from "./identifiers.js";
import {
  BUILDS,
  type DataObject,
  type Endpoint,
  findDataObjects,
  findEndpoints,
  findRoutes,
  saysToday,
} from "./objects.js";
import { findActors, findIntegrations } from "./people.js";
import {
  findAcceptance,
  findGoal,
  findInScope,
  findNonFunctional,
  findOutOfScope,
  findQuestions,
  findStories,
  MAX_ITEMS,
} from "./scope.js";
import { placeable, placeableSections, type Unplaceable, unplaceable } from "./stated.js";
import { collectStatements, type Statement } from "./statements.js";
import { unique } from "./text.js";

/**
 * Everything the rule-based drafter takes from a feature doc: only what the doc states, read by
 * its heading heuristics from the text the doc facts (`stated`) let it place.
 */
export interface DocFacts {
  name: string;
  /** What the doc states explicitly: where it speaks, it wins over the heuristics below. */
  stated: FeatureFacts;
  sections: DocSection[];
  statements: Statement[];
  goal: string;
  inScope: string[];
  outOfScope: string[];
  stories: string[];
  acceptance: string[];
  actors: string[];
  entities: string[];
  integrations: string[];
  nonFunctional: string[];
  questions: { question: string; assumption: string }[];
  decisions: Decision[];
  flowSteps: string[];
  docPhases: Map<number, string>;
  tests: TestFacts;
  endpoints: Endpoint[];
  routes: string[];
  dataObjects: DataObject[];
  envVars: EnvVar[];
  commands: string[];
  typeNames: string[];
}

/**
 * The doc read for the rule drafter. Nothing the facts forbid is read: metadata lines, text
 * addressed to an AI, rejected alternatives, non-goals and open questions never reach a slot.
 */
export function readDocFacts(feature: FeatureDoc, stated: FeatureFacts): DocFacts {
  const off = unplaceable(stated);
  const sections = placeableSections(parseDoc(feature.text), off);
  const statements = placeableStatements(collectStatements(sections), off);
  const endpoints = findEndpoints(statements);
  const dataObjects = findDataObjects(sections);
  const typeNames = findTypeNames(sections, statements);
  return {
    name: feature.name,
    stated,
    sections,
    statements,
    goal: findGoal(sections, feature.name, (text) => placeable({ text }, off)),
    inScope: findInScope(statements),
    outOfScope: findOutOfScope(statements),
    stories: findStories(statements),
    acceptance: findAcceptance(statements),
    actors: findActors(statements),
    entities: findEntities(statements, dataObjects, typeNames),
    integrations: findIntegrations(statements),
    nonFunctional: findNonFunctional(statements),
    questions: findQuestions(sections, statements),
    decisions: findDecisions(statements),
    flowSteps: findFlowSteps(sections, statements),
    docPhases: findDocPhases(sections, statements),
    tests: findTests(statements),
    endpoints,
    routes: findRoutes(statements, endpoints),
    dataObjects,
    envVars: findEnvVars(sections, statements),
    commands: findCommands(sections, statements),
    typeNames,
  };
}

/**
 * The statements the facts allow. A sentence that borrows its paragraph's label goes with the
 * sentence that owns the label: "Option A: ... . It needs no server." says nothing once
 * Option A is dropped as rejected.
 */
function placeableStatements(all: Statement[], off: Unplaceable): Statement[] {
  /** Blocks whose last sentence with a label of its own was dropped. */
  const dropped = new Set<number>();
  const kept: Statement[] = [];
  for (const statement of all) {
    const allowed = placeable(statement, off);
    if (!statement.borrowed) {
      if (allowed) dropped.delete(statement.block);
      else dropped.add(statement.block);
    }
    if (allowed && !(statement.borrowed && dropped.has(statement.block))) kept.push(statement);
  }
  // "Today the app calls ..." under Design is background: no decision, scope or work.
  const today = (s: Statement) =>
    (s.kind === undefined || s.kind === "design" || s.kind === "decision") &&
    saysToday(s.text) &&
    !BUILDS.test(s.text);
  return kept.map((s, order) => ({ ...s, order, kind: today(s) ? "background" : s.kind }));
}

/** Data objects: the doc's key entities, its tables, then the types it declares. */
function findEntities(
  statements: Statement[],
  objects: DataObject[],
  typeNames: string[],
): string[] {
  const declared = statements
    .filter((s) => s.kind === "entities" && s.item && s.depth === 0)
    .map((s) => /^(.{2,60}?)\s+[—–:-]\s/.exec(s.text)?.[1] ?? "")
    .filter(Boolean);
  return unique([...declared, ...objects.map((o) => o.name), ...typeNames]).slice(0, MAX_ITEMS);
}
