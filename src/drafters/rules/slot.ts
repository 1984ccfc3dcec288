import { type DraftContext, findStatements } from "./context.js";

/** One slot of a template, described by its words: what the drafter matches facts against. */
export interface SlotInfo {
  label: string;
  instruction: string;
  /** Labels of the enclosing groups, e.g. "Tables/Views". */
  context: string[];
  /** Section titles from the unit down to the slot's section. */
  titles: string[];
  /** A one-line slot (a topic after a label) wants names, not sentences. */
  short: boolean;
}

export type Change = "new" | "modified" | undefined;

export interface Topic {
  name: string;
  slot: RegExp;
  /** How many values a field may take; 8 unless the doc's own list must be given whole. */
  max?: number;
  values: (ctx: DraftContext, slot: SlotInfo, change: Change) => string[];
}

export const UI_WORDS =
  /\b(UI|pages?|tabs?|buttons?|screens?|frontend|front-end|web interface|dropdowns?|dialogs?|menus?|settings (page|UI|tab)|user interface)\b/;
/** A file of a web UI: a component, a page, a layout or its styles. */
export const UI_FILE = /\.(tsx|jsx|vue|svelte|css|scss)$|\/(components|pages|app)\//;
export const AUTH =
  /\b(auth|authn|authz|authenticat\w*|authori[sz]\w*|permissions?|login|log in|passwords?|tokens?|credentials?|RBAC|role-based|withAuth|sign-?in|service principal|secrets?)\b/i;

/** A "Modified" slot takes statements about changing what exists; a "New" slot prefers new things. */
const CHANGED =
  /\b(existing|current(ly)?|replac(e|es|ed|ing)|chang(e|es|ed|ing)|modif\w*|updat(e|es|ed|ing)|extend(s|ed|ing)?|instead of)\b/i;
const ADDED = /\b(new|add(s|ed)?|introduc\w*|creat\w*)\b/i;

export const find =
  (pattern: RegExp, limit = 3) =>
  (ctx: DraftContext, _slot: SlotInfo, change: Change) =>
    findStatements(ctx, pattern, {
      limit,
      within: change === "modified" ? CHANGED : undefined,
      prefer: change === "new" ? ADDED : undefined,
    });

/** For words that mean something different in every component ("state", "store"). */
export const findWithin =
  (pattern: RegExp, limit = 3) =>
  (ctx: DraftContext, slot: SlotInfo) =>
    findStatements(ctx, pattern, { limit, within: componentWords(slot) });

/**
 * A slot under a component's heading ("Frontend (Next.js)", "Async Processing (Celery)") only
 * takes statements about that component, so UI text does not land under the task queue.
 */
const COMPONENTS: [RegExp, RegExp][] = [
  [
    /frontend|next\.js|react|\bui\b|user interface/i,
    /\b(UI|pages?|tabs?|buttons?|components?|screens?|frontend|views?|dropdowns?|dialogs?|display\w*|shows?|settings|web)\b/i,
  ],
  [
    /api layer|fastapi|endpoint strategy/i,
    /\b(API|endpoints?|requests?|responses?|HTTP|REST|routes?|GET|POST|PUT|PATCH|DELETE|withAuth|auth\w*|status|40\d|200)\b/,
  ],
  [
    /langgraph|graph architecture|tools & memory/i,
    /\b(graphs?|nodes?|agents?|LLM|tools?|middleware|prompts?|models?|memory|checkpoint\w*|LangGraph|chain|loop|state)\b/i,
  ],
  [
    /database|postgres|schema strategy/i,
    /\b(tables?|columns?|schemas?|database|DB|store|migrat\w*|rows?|SQL|Postgres\w*|primary keys?|triggers?)\b/i,
  ],
  [
    /celery|async processing|task strategy/i,
    /\b(tasks?|jobs?|workers?|queues?|async\w*|background|schedul\w*|retr\w*|cron|janitor|batch\w*)\b/i,
  ],
];

export function componentWords(slot: SlotInfo): RegExp | undefined {
  for (const title of [...slot.titles].reverse()) {
    const words = COMPONENTS.find(([heading]) => heading.test(title))?.[1];
    if (words) return words;
  }
  return undefined;
}
