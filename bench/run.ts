/** `npm run bench`: every benchmark, each printing ratios; exits non-zero when a target is missed. */
import { benchCriticalPath } from "./draft-critical-path.js";
import { benchStorage } from "./storage.js";

const results: Record<string, boolean> = {};
console.log("== draft critical path ==");
results["critical path"] = await benchCriticalPath();
console.log("\n== storage ==");
results.storage = await benchStorage();

const missed = Object.entries(results).filter(([, ok]) => !ok);
console.log(
  missed.length === 0
    ? "\nall targets met"
    : `\ntargets missed: ${missed.map(([name]) => name).join(", ")}`,
);
process.exitCode = missed.length === 0 ? 0 : 1;
