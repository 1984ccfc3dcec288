/**
 * `npm run bench`: every benchmark, each printing ratios; exits non-zero when a target is missed.
 * `npm run bench -- serve storage` runs only the ones named.
 */
import { benchCli } from "./cli.js";
import { benchCriticalPath } from "./draft-critical-path.js";
import { benchGraphFloor } from "./graph-floor.js";
import { benchPreview } from "./preview.js";
import { benchServe } from "./serve.js";
import { benchSoak } from "./soak.js";
import { benchStorage } from "./storage.js";
import { benchWaveGaps } from "./wave-gaps.js";
import { benchWorkspaceDigest } from "./workspace-digest.js";

const benches: Record<string, [title: string, run: () => Promise<boolean>]> = {
  "critical-path": ["draft critical path", benchCriticalPath],
  preview: ["section preview while streaming", benchPreview],
  storage: ["storage", benchStorage],
  serve: ["serve: drafts streaming at once", benchServe],
  "graph-floor": ["graph floor: LangGraph's own cost per streamed chunk", benchGraphFloor],
  digest: ["workspace: reading a repository of 5,000 files", benchWorkspaceDigest],
  cli: ["cli: how soon a command answers", benchCli],
  soak: ["soak: 1,000 drafts through one server", benchSoak],
  gaps: ["gaps: what the model waits for between the waves", benchWaveGaps],
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown bench: ${unknown.join(", ")} (known: ${Object.keys(benches).join(", ")})`);
  process.exit(2);
}

const results: Record<string, boolean> = {};
for (const [name, [title, run]] of Object.entries(benches)) {
  if (asked.length > 0 && !asked.includes(name)) continue;
  console.log(`${Object.keys(results).length > 0 ? "\n" : ""}== ${title} ==`);
  results[title] = await run();
}

const missed = Object.entries(results).filter(([, ok]) => !ok);
console.log(
  missed.length === 0
    ? "\nall targets met"
    : `\ntargets missed: ${missed.map(([name]) => name).join(", ")}`,
);
process.exitCode = missed.length === 0 ? 0 : 1;
