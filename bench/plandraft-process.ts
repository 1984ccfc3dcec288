/**
 * `plandraft <command>` from the sources in this work tree, as bin/plandraft.js runs it from
 * dist/: the server bench measures what is here now, not the last build.
 * Usage: node --import tsx bench/plandraft-process.ts serve|worker [options]
 */
import { main } from "../src/cli/main.js";

process.exitCode = await main([process.argv[0] ?? "node", "plandraft", ...process.argv.slice(2)]);
