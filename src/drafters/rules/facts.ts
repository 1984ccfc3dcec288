import type { FeatureDoc } from "../types.js";
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
  type DataObject,
  type Endpoint,
  findDataObjects,
  findEndpoints,
  findRoutes,
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
import { collectStatements, type Statement } from "./statements.js";
import { unique } from "./text.js";

/** Everything the rule-based drafter takes from a feature doc: only what the doc states. */
export interface DocFacts {
  name: string;
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

/** The same doc always gives the same facts; a draft asks for them once per section. */
const cache = new Map<string, DocFacts>();

export function docFacts(feature: FeatureDoc): DocFacts {
  const key = `${feature.name}\u0000${feature.text}`;
  const known = cache.get(key);
  if (known) return known;
  const facts = readFacts(feature);
  if (cache.size >= 8) cache.delete(cache.keys().next().value ?? "");
  cache.set(key, facts);
  return facts;
}

function readFacts(feature: FeatureDoc): DocFacts {
  const sections = parseDoc(feature.text);
  const statements = collectStatements(sections);
  const endpoints = findEndpoints(statements);
  const dataObjects = findDataObjects(sections);
  const typeNames = findTypeNames(sections, statements);
  return {
    name: feature.name,
    sections,
    statements,
    goal: findGoal(sections, feature.name),
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
