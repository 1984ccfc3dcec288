import { endpointValues } from "./owned.js";
import { AUTH, find, findWithin, type Topic, UI_FILE, UI_WORDS } from "./slot.js";
import { LIMITS } from "../../template/schema.js";
import { criteriaToTest, dependencies, existingComponents, tests } from "./topic-values.js";
import { shorten, unique } from "./text.js";

/** Scope, tests, the API, the UI and the agents: checked before the delivery topics. */
export const SCOPE_TOPICS: Topic[] = [
  {
    name: "outOfScope",
    slot: /out of scope|not be included|non-?goals?|exclu/,
    values: (c) => c.brief.out_of_scope,
  },
  {
    name: "inScope",
    slot: /in scope|will be implemented|requirements fulfilled|feature requirements|primary functionality|core features?/,
    values: (c) => c.brief.in_scope,
  },
  {
    name: "goal",
    slot: /\bgoal\b|outcome|purpose of|motivation|problem statement/,
    values: (c) => [shorten(c.brief.goal)],
  },
  { name: "dependencies", slot: /dependenc/, values: (c) => dependencies(c) },
  {
    name: "unitTests",
    slot: /unit test/,
    values: (c) => tests(c, c.facts.tests.unit, /\bunit\b|\bfunctions?\b|validat\w*|edge cases?/),
  },
  {
    name: "integrationTests",
    slot: /integration test/,
    values: (c) =>
      tests(c, c.facts.tests.integration, /\bintegration\b|end[- ]to[- ]end|\bAPI\b|endpoints?/),
  },
  {
    name: "e2eTests",
    slot: /e2e|end-to-end|user journey|user stor/,
    // Every acceptance criterion the doc states is tested here, by its ID, in the doc's words.
    max: LIMITS.items,
    values: (c) => {
      const criteria = criteriaToTest(c);
      const read = criteria.length > 0 ? [] : c.facts.acceptance;
      const more = unique([...c.facts.tests.e2e, ...c.facts.stories, ...read]);
      return unique([...criteria, ...more.slice(0, Math.max(0, 6 - criteria.length))]);
    },
  },
  {
    name: "endpoints",
    slot: /endpoint|api structure/,
    values: (c, s, change) => endpointValues(c, s, change),
  },
  {
    name: "streaming",
    slot: /\bsse\b|streaming|websocket|server-sent/,
    // Server-sent events and their kin, not any stream: "streams the CSV" is a download.
    values: find(
      /\b(SSE|server-sent|event[- ]?streams?|websockets?|long[- ]poll\w*|stream(s|ing|ed)? (the |its |their )?(tokens?|events?|updates?|progress|messages?|answers?|replies|results? to))\b/i,
    ),
  },
  { name: "auth", slot: /auth|permission|access control/, values: find(AUTH) },
  {
    name: "routes",
    slot: /\brout(e|es|ing)\b/,
    values: (c, s, change) =>
      unique([
        ...c.facts.routes.map((r) => `\`${r}\``),
        ...find(/\b(routes?|routing|URLs?|navigat\w*|deep links?)\b/i, 2)(c, s, change),
      ]),
  },
  {
    name: "components",
    slot: /component|frontend|user interface|\bui\b|screens?|\bpages?\b/,
    values: (c, s, change) => [
      ...(change === "modified" ? existingComponents(c, UI_FILE) : []),
      ...find(UI_WORDS)(c, s, change),
    ],
  },
  {
    name: "checkpoint",
    slot: /checkpoint|persistence/,
    values: find(/\b(checkpoint\w*|persist\w*|durab\w*|snapshot\w*)\b/i),
  },
  {
    name: "state",
    slot: /state management|context\/store|store strategy|short-term/,
    values: findWithin(/\b(state|store|cache|context|session|short-term|long-term)\b/i),
  },
  {
    name: "graphs",
    slot: /\bgraphs?\b|node\/edge|nodes? and edges|langgraph|agent/,
    values: find(/\b(LangGraph|graphs?|agents?|LLMs?|middleware|prompts?|tool calls?)\b/i),
  },
  { name: "tools", slot: /\btools?\b/, values: find(/\btools?\b|function call/i) },
  {
    name: "memory",
    slot: /memory|vector|embedding/,
    values: find(/\b(memory|vectors?|embeddings?|semantic search|RAG|retriev\w*)\b/i),
  },
];
