import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { AppError, schemaProblems } from "./errors.js";
import { DEFAULT_MAX_FEATURE_BYTES } from "./feature/feature-doc.js";
import { DEFAULT_CONTEXT_TOKENS } from "./workspace/types.js";

/**
 * The environment, parsed once at start. Nothing else reads process.env: a bad value stops
 * the start with a message naming the variable.
 */
const ConfigSchema = z.object({
  PLANDRAFT_MODEL: z.string().trim().min(1).default("none"),
  /** The models a server lets its clients choose; unset: any model name. */
  PLANDRAFT_MODELS: z.string().trim().min(1).optional(),
  OPENAI_API_KEY: z.string().trim().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OLLAMA_BASE_URL: z.url().default("http://127.0.0.1:11434"),
  PLANDRAFT_MAX_FEATURE_BYTES: z.coerce.number().int().min(1).default(DEFAULT_MAX_FEATURE_BYTES),
  PLANDRAFT_MODEL_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  PLANDRAFT_MODEL_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  PLANDRAFT_MODEL_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  /**
   * What one draft may cost. The bundled template asks for 10 sections (11 calls with the brief);
   * with the default retries its worst case is (1 + 2 x 10) calls x 2 turns x 4 attempts = 168.
   */
  PLANDRAFT_MAX_SECTIONS: z.coerce.number().int().min(1).default(40),
  PLANDRAFT_MAX_MODEL_CALLS: z.coerce.number().int().min(1).default(200),
  PLANDRAFT_MAX_PARALLEL_CALLS: z.coerce.number().int().min(1).max(64).default(8),
  PLANDRAFT_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.2),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  PLANDRAFT_HOME: z.string().min(1).optional(),
  PLANDRAFT_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
    .default("public"),
  PLANDRAFT_DB_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
  PLANDRAFT_LEASE_MS: z.coerce.number().int().min(500).default(10_000),
  PLANDRAFT_HOST: z.string().min(1).default("127.0.0.1"),
  PLANDRAFT_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PLANDRAFT_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  PLANDRAFT_MAX_RUNNING: z.coerce.number().int().min(1).max(256).default(4),
  PLANDRAFT_MAX_QUEUED: z.coerce.number().int().min(0).max(100_000).default(100),
  PLANDRAFT_SERVER_ID: z.string().min(1).optional(),
  PLANDRAFT_API_TOKEN: z.string().trim().min(16, "must be at least 16 characters").optional(),
  PLANDRAFT_ALLOW_NO_TOKEN: z.enum(["0", "1", "true", "false"]).optional(),
  PLANDRAFT_CORS_ORIGINS: z.string().trim().min(1).optional(),
  /** Host names the server answers to besides IP addresses and localhost; `*`: any. */
  PLANDRAFT_ALLOWED_HOSTS: z.string().trim().min(1).optional(),
  PLANDRAFT_RATE_LIMIT: z.coerce.number().int().min(1).default(120),
  PLANDRAFT_HEARTBEAT_MS: z.coerce.number().int().min(50).default(15_000),
  /** A folder of plan templates offered by name (`serve`, `--template-id`) beside the bundled one. */
  PLANDRAFT_TEMPLATES: z.string().min(1).optional(),
  /** The server the CLI talks to instead of drafting locally. */
  PLANDRAFT_SERVER: z.url().optional(),
  /** The workspace file `serve` grounds its drafts in (the CLI: --workspace, or the current folder's). */
  PLANDRAFT_WORKSPACE: z.string().min(1).optional(),
  PLANDRAFT_CONTEXT_TOKENS: z.coerce.number().int().min(200).default(DEFAULT_CONTEXT_TOKENS),
  /** What a finished draft keeps of its checkpoints: the last one (what revise and resume read), or all. */
  PLANDRAFT_KEEP_CHECKPOINTS: z.enum(["final", "all"]).default("final"),
  /** Days a finished draft's event history is kept for replay; unset: for as long as the draft. */
  PLANDRAFT_KEEP_EVENTS_DAYS: z.coerce.number().int().min(1).optional(),
});

export interface Config {
  model: string;
  /** Models a server's clients may choose; undefined: any. */
  models: string[] | undefined;
  openaiApiKey: string | undefined;
  openaiBaseUrl: string | undefined;
  ollamaBaseUrl: string;
  maxFeatureBytes: number;
  /** One attempt of a model call, request to last byte. */
  modelTimeoutMs: number;
  /** The longest silence between two chunks of a model's answer, once it has started. */
  modelIdleTimeoutMs: number;
  modelRetries: number;
  /** Sections a template may ask to draft; each repository of a fan-out section counts. */
  maxSections: number;
  /** Model requests one run of a draft may send, every attempt counted. */
  maxModelCalls: number;
  maxParallelCalls: number;
  temperature: number;
  /** Postgres for checkpoints and drafts; without it, the embedded store under `home`. */
  databaseUrl: string | undefined;
  home: string;
  schema: string;
  /** Connections to Postgres (the embedded store has one). */
  dbPoolSize: number;
  /** How long a running draft stays claimed by its process without a heartbeat. */
  leaseMs: number;
  /** `id` names this server across restarts: it resumes the drafts it claimed under that name. */
  server: {
    host: string;
    port: number;
    bodyLimit: number;
    maxRunning: number;
    maxQueued: number;
    id: string;
    /** When set, every /v1 route needs `Authorization: Bearer <token>`. */
    apiToken: string | undefined;
    /** Listen on a non-loopback address without a token: only when asked for explicitly. */
    allowNoToken: boolean;
    /** Origins allowed by CORS (and to send requests that change something); empty: CORS off. */
    corsOrigins: string[];
    /**
     * Host names (the Host header) the server answers to, besides IP addresses and localhost,
     * which a DNS-rebinding page cannot use; `*`: any.
     */
    allowedHosts: string[];
    /** Requests that create work (drafts, revisions) per client address per minute. */
    rateLimit: number;
    heartbeatMs: number;
  };
  /**
   * A folder of markdown templates offered by their file names, beside the bundled one (a
   * server's to clients, the CLI's to `--template-id`); undefined: the bundled only.
   */
  templatesDir: string | undefined;
  /** The workspace file a server's drafts are grounded in (PLANDRAFT_WORKSPACE). */
  workspaceFile: string | undefined;
  /** Repository and context text one section request may carry, in tokens (estimated). */
  contextTokens: number;
  /** A plandraft server for the CLI to use instead of drafting locally, and its token. */
  remote: { url: string; token: string | undefined } | undefined;
  retention: Retention;
}

/** What finished drafts keep (`plandraft gc`, a server's periodic sweep, a draft's own end). */
export interface Retention {
  /** "final": the last checkpoint of each finished draft and its writes; "all": every one. */
  checkpoints: "final" | "all";
  /** Days a finished draft's events are kept; undefined: as long as the draft. */
  eventsDays: number | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankless = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = ConfigSchema.safeParse(blankless);
  if (!parsed.success) {
    const problems = schemaProblems(parsed.error, "the settings");
    throw new AppError("CONFIG_INVALID", `bad environment: ${problems}`, {
      hint: "fix or unset these variables",
    });
  }
  const c = parsed.data;
  return {
    model: c.PLANDRAFT_MODEL,
    models: c.PLANDRAFT_MODELS === undefined ? undefined : listOf(c.PLANDRAFT_MODELS),
    openaiApiKey: c.OPENAI_API_KEY,
    openaiBaseUrl: c.OPENAI_BASE_URL,
    ollamaBaseUrl: c.OLLAMA_BASE_URL,
    maxFeatureBytes: c.PLANDRAFT_MAX_FEATURE_BYTES,
    modelTimeoutMs: c.PLANDRAFT_MODEL_TIMEOUT_MS,
    modelIdleTimeoutMs: c.PLANDRAFT_MODEL_IDLE_TIMEOUT_MS,
    modelRetries: c.PLANDRAFT_MODEL_RETRIES,
    maxSections: c.PLANDRAFT_MAX_SECTIONS,
    maxModelCalls: c.PLANDRAFT_MAX_MODEL_CALLS,
    maxParallelCalls: c.PLANDRAFT_MAX_PARALLEL_CALLS,
    temperature: c.PLANDRAFT_TEMPERATURE,
    databaseUrl: c.DATABASE_URL,
    home: c.PLANDRAFT_HOME ?? join(env.HOME ?? homedir(), ".plandraft"),
    schema: c.PLANDRAFT_DB_SCHEMA,
    dbPoolSize: c.PLANDRAFT_DB_POOL_SIZE,
    leaseMs: c.PLANDRAFT_LEASE_MS,
    server: {
      host: c.PLANDRAFT_HOST,
      port: c.PLANDRAFT_PORT,
      bodyLimit: c.PLANDRAFT_BODY_LIMIT,
      maxRunning: c.PLANDRAFT_MAX_RUNNING,
      maxQueued: c.PLANDRAFT_MAX_QUEUED,
      id: c.PLANDRAFT_SERVER_ID ?? `${hostname()}:${c.PLANDRAFT_PORT}`,
      apiToken: c.PLANDRAFT_API_TOKEN,
      allowNoToken: c.PLANDRAFT_ALLOW_NO_TOKEN === "1" || c.PLANDRAFT_ALLOW_NO_TOKEN === "true",
      corsOrigins: listOf(c.PLANDRAFT_CORS_ORIGINS),
      allowedHosts: [...listOf(c.PLANDRAFT_ALLOWED_HOSTS), c.PLANDRAFT_HOST],
      rateLimit: c.PLANDRAFT_RATE_LIMIT,
      heartbeatMs: c.PLANDRAFT_HEARTBEAT_MS,
    },
    templatesDir: c.PLANDRAFT_TEMPLATES,
    workspaceFile: c.PLANDRAFT_WORKSPACE,
    contextTokens: c.PLANDRAFT_CONTEXT_TOKENS,
    remote: c.PLANDRAFT_SERVER
      ? { url: c.PLANDRAFT_SERVER.replace(/\/+$/, ""), token: c.PLANDRAFT_API_TOKEN }
      : undefined,
    retention: {
      checkpoints: c.PLANDRAFT_KEEP_CHECKPOINTS,
      eventsDays: c.PLANDRAFT_KEEP_EVENTS_DAYS,
    },
  };
}

/** A comma-separated setting as its items, blanks dropped. */
function listOf(setting: string | undefined): string[] {
  return (setting ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}
