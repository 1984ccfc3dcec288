import type pg from "pg";
import { channelOf, type Listener } from "./listen.js";

/** What API processes tell workers at once, rather than at their next poll. */
type Command = { cmd: "wake" } | { cmd: "cancel"; draft: string };

export interface Control {
  /** A job was queued: idle workers fetch now. */
  wake(): Promise<void>;
  /** Stop this draft wherever it runs. */
  cancel(draftId: string): Promise<void>;
}

/**
 * Commands from API processes to workers over NOTIFY (pg-boss 10 neither listens nor signals a
 * running job). A command missed while a worker's connection was down costs a poll (a wake), or
 * is found at the worker's next heartbeat (a cancel).
 */
export function createControl(pool: pg.Pool, schema: string): Control {
  const channel = channelOf("control", schema);
  const notify = async (command: Command) => {
    await pool.query("SELECT pg_notify($1, $2)", [channel, JSON.stringify(command)]);
  };
  return {
    wake: () => notify({ cmd: "wake" }),
    cancel: (draft) => notify({ cmd: "cancel", draft }),
  };
}

/** A worker hears the commands. */
export async function hearControl(
  listener: Listener,
  schema: string,
  on: { wake: () => void; cancel: (draftId: string) => void },
): Promise<void> {
  await listener.listen(channelOf("control", schema), (payload) => {
    const command = parseCommand(payload);
    if (command?.cmd === "wake") on.wake();
    if (command?.cmd === "cancel") on.cancel(command.draft);
  });
}

function parseCommand(payload: string | undefined): Command | undefined {
  try {
    const command = JSON.parse(payload ?? "") as Command;
    return command.cmd === "wake" || (command.cmd === "cancel" && typeof command.draft === "string")
      ? command
      : undefined;
  } catch {
    return undefined;
  }
}
