import type { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type { Config } from "./config.js";
import { createLlmDrafter } from "./drafters/llm/index.js";
import { createRuleDrafter } from "./drafters/rules/index.js";
import type { Drafter } from "./drafters/types.js";
import { createChatModel, parseModelName } from "./models/chat-model.js";
import { DEFAULT_RETRY_DELAYS, type RetryPolicy } from "./models/retry-policy.js";
import { createEventStore } from "./store/event-store.js";
import { createEventHub, type EventHub } from "./events/event-hub.js";
import { openStore, type Store } from "./store/store.js";
import { createCheckpointer } from "./store/checkpointer.js";
import { createRedactor, secretsOf, type Redact } from "./redact.js";
import { createDigestCache, type DigestCache } from "./workspace/digest-cache.js";
import type { Workspace } from "./workspace/types.js";
import {
  createTemplateCatalog,
  type TemplateCatalog,
} from "../graphs/plan-drafter/template-catalog.js";

/** What the CLI and the server share: built once from the config, passed to whatever needs it. */
export interface Deps extends Store {
  config: Config;
  /** The drafter for a model name; "none" is the rule-based drafter. */
  drafterFor(modelName?: string): Drafter;
  /** Each draft's event stream: numbered, saved, and fanned out to whoever follows it. */
  events: EventHub;
  checkpointer: PostgresSaver;
  /** Templates by their text, with their layouts and graphs: drafts of one template share them. */
  templates: TemplateCatalog;
  /** Takes this configuration's secrets (and anything shaped like one) out of outside text. */
  redact: Redact;
  /** Repository digests by checkout and commit: a second draft of the same commit reads nothing. */
  digests: DigestCache;
  /** The workspace drafts are grounded in when their request names none (a server's). */
  workspace: Workspace | undefined;
}

export interface DepsOverrides {
  /** Tests pass a drafter in instead of the one the model name would give. */
  drafterFor?: (modelName: string) => Drafter;
  /**
   * Who claims drafts. A CLI command is a new owner each time, naming its host and pid (so a
   * resume can see it died); a server passes a stable one, so that after a restart it knows (and
   * resumes) the drafts it was running.
   */
  owner?: string;
  /** The workspace of drafts that name none (`serve` loads PLANDRAFT_WORKSPACE). */
  workspace?: Workspace | undefined;
}

/**
 * Opens the database (and brings its schema up to date) before anything else runs, or builds on
 * a store already open (a CLI command that listed first). Closing the deps closes the store.
 */
export async function createDeps(
  config: Config,
  overrides: DepsOverrides = {},
  opened?: Store,
): Promise<Deps> {
  const store = opened ?? (await openStore(config, overrides.owner));
  const { db } = store;
  // One drafter per model name: its client and its per-section tool schemas serve every draft.
  const drafters = new Map<string, Drafter>();
  const drafterFor = (modelName = config.model): Drafter => {
    if (overrides.drafterFor) return overrides.drafterFor(modelName);
    const known = drafters.get(modelName);
    if (known) return known;
    const drafter = createDrafter(modelName, config);
    drafters.set(modelName, drafter);
    return drafter;
  };
  return {
    config,
    drafterFor,
    templates: createTemplateCatalog({ config, drafterFor }),
    ...store,
    events: createEventHub(createEventStore(db)),
    checkpointer: createCheckpointer(db, store.owner),
    redact: createRedactor(secretsOf(config)),
    digests: createDigestCache(config.home),
    workspace: overrides.workspace,
  };
}

/**
 * The same deps claiming drafts as `owner`: the checkpointer goes with the owner, since the
 * database takes a draft's checkpoints only from the process that holds it.
 */
export function asOwner(deps: Deps, owner: string): Deps {
  return { ...deps, owner, checkpointer: createCheckpointer(deps.db, owner) };
}

/**
 * The drafter a model name asks for: the rule-based one for "none", else a chat model's. `delays`
 * sets the backoff between retries (without Retry-After); the default suits real model servers.
 */
export function createDrafter(
  modelName: string,
  config: Config,
  delays: Partial<Pick<RetryPolicy, "firstDelayMs" | "maxDelayMs">> = {},
): Drafter {
  const spec = parseModelName(modelName);
  if (spec.provider === "none") return createRuleDrafter();
  return createLlmDrafter(createChatModel(spec, config), modelName, {
    deadlines: { totalMs: config.modelTimeoutMs, idleMs: config.modelIdleTimeoutMs },
    retry: { ...DEFAULT_RETRY_DELAYS, ...delays, retries: config.modelRetries },
    redact: createRedactor(secretsOf(config)),
  });
}
