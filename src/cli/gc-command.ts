import type { Config } from "../config.js";
import { EXIT } from "../error-codes.js";
import { sweepFinished, type Swept } from "../store/retention.js";
import { openStore } from "../store/store.js";
import type { CliIo } from "./cli-io.js";

/**
 * `plandraft gc`: what the kept drafts no longer need, dropped from the store this process
 * opens (a server sweeps its own every hour). Plans and their versions are never touched.
 */
export async function gcCommand(
  config: Config,
  options: { json?: boolean },
  io: CliIo,
): Promise<number> {
  const store = await openStore(config);
  try {
    const swept = await sweepFinished(store.db, config.retention);
    io.stdout.write(options.json ? `${JSON.stringify(swept)}\n` : describeSwept(swept, config));
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

function describeSwept(swept: Swept, config: Config): string {
  const checkpoints =
    config.retention.checkpoints === "all"
      ? "checkpoints: all kept (PLANDRAFT_KEEP_CHECKPOINTS=all)"
      : `checkpoints: ${swept.checkpoints} earlier ones of ${swept.drafts} finished drafts dropped, with ${swept.writes} pending writes and ${swept.blobs} channel values`;
  const events =
    config.retention.eventsDays === undefined
      ? "events: all kept (set PLANDRAFT_KEEP_EVENTS_DAYS to drop old ones)"
      : `events: ${swept.events} of finished drafts older than ${config.retention.eventsDays} days dropped`;
  return `${checkpoints}\n${events}\n`;
}
