// Preloaded into a plandraft command by the CLI bench (`node --import`): writes the process's
// peak resident set (KiB, from getrusage) to BENCH_MAX_RSS_FILE as it exits.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_MAX_RSS_FILE;
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
