// A real API server for the tests: its own store (a schema on TEST_DATABASE_URL, else the
// embedded one), listening on 127.0.0.1 port 0, with a scripted model when asked for.
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.js";
import { createDeps, type Deps, type DepsOverrides } from "../../src/deps.js";
import { buildServer } from "../../src/server/app.js";
import {
  scriptedModelEnv,
  startScriptedLlm,
  type ScriptedLlm,
  type ScriptedLlmOptions,
} from "./scripted-llm.js";
import { createTestStore } from "./store.js";

export interface TestServer {
  deps: Deps;
  app: Awaited<ReturnType<typeof buildServer>>["app"];
  /** Every route the app serves, with whether it is open without the token. */
  routes: Awaited<ReturnType<typeof buildServer>>["routes"];
  base: string;
  /** The scripted model, when one was asked for. */
  llm: ScriptedLlm;
  /** The server's log lines (pino JSON). */
  logs: string[];
  close(): Promise<void>;
}

/**
 * Starts a server with `env` over the test store's. With `model`, a scripted OpenAI-compatible
 * server runs too, and `openai:scripted` is the server's default model. `overrides` are what
 * `serve` would pass (its workspace, say).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  model?: ScriptedLlmOptions,
  overrides: DepsOverrides = {},
): Promise<TestServer> {
  const store = createTestStore();
  const llm = model ? await startScriptedLlm(model) : undefined;
  const modelEnv = llm ? scriptedModelEnv(llm) : {};
  const deps = await createDeps(loadConfig({ ...store.env, ...modelEnv, ...env }), overrides);
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  const { app, routes } = await buildServer(deps, { logger: { level: "info", stream } });
  const base = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    deps,
    app,
    routes,
    base,
    get llm(): ScriptedLlm {
      if (!llm) throw new Error("this test server has no scripted model");
      return llm;
    },
    logs,
    async close() {
      await app.close();
      await deps.close();
      await store.drop();
      await llm?.close();
    },
  };
}
