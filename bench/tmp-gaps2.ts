import { performance } from "node:perf_hooks";
import { startScriptedLlm } from "../tests/support/scripted-llm.js";
import {
  draftWith,
  fixturePath,
  scriptedConfig,
  DEFAULT_TEMPLATE,
} from "../tests/support/drafting.js";
import { createDeps } from "../src/deps.js";
const llm = await startScriptedLlm({ latencyMs: 250 });
const config = scriptedConfig(llm.baseURL, { PLANDRAFT_MODEL_TIMEOUT_MS: "30000" });
const base = createDeps(config);
let t0 = 0;
const marks: string[] = [];
const deps = createDeps(config, {
  drafterFor: (m) => {
    const d = base.drafterFor(m);
    return {
      ...d,
      model: d.model,
      notice: d.notice,
      brief: async (r, c) => {
        marks.push(`brief call ${(performance.now() - t0).toFixed(0)}`);
        const x = await d.brief(r, c);
        marks.push(`brief done ${(performance.now() - t0).toFixed(0)}`);
        return x;
      },
      section: async (r, c) => {
        marks.push(`${r.unit.id.slice(0, 30)} call ${(performance.now() - t0).toFixed(0)}`);
        const x = await d.section(r, c);
        marks.push(`${r.unit.id.slice(0, 30)} done ${(performance.now() - t0).toFixed(0)}`);
        return x;
      },
    };
  },
});
for (let i = 0; i < 3; i++) {
  marks.length = 0;
  const before = llm.requests.length;
  t0 = performance.now();
  await draftWith(config, { path: fixturePath("watchlist-feature.md") }, DEFAULT_TEMPLATE, deps);
  const t1 = performance.now();
  if (i < 2) continue;
  console.log(marks.join("\n"));
  for (const r of llm.requests.slice(before))
    console.log("server", r.toolName, (r.startedAt - t0).toFixed(0), (r.endedAt! - t0).toFixed(0));
  console.log("total", (t1 - t0).toFixed(0));
}
await llm.close();
