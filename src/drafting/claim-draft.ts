import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import { describeOwner, diedOnThisHost, parseCliOwner } from "../store/draft-owner.js";
import type { DraftRecord } from "../store/draft-store.js";
import type { Store } from "../store/store.js";

/**
 * Claims a draft for this process before drafting it. A lease whose holder is known to be dead
 * is taken over at once rather than waited out, since right after a crash is when a resume is
 * wanted; any other holder's lease is refused with whose it is and until when it holds. With
 * `takeOver` (a queue worker holding the draft's job) the holder is known gone.
 */
export async function claimDraft(deps: Deps, record: DraftRecord, takeOver = false): Promise<void> {
  const stale = takeOver ? (record.owner ?? undefined) : deadHolder(deps, record.owner);
  const claimed = await deps.drafts.claim(record.id, deps.owner, deps.config.leaseMs, stale);
  if (claimed === "missing") throw new AppError("DRAFT_NOT_FOUND", `no draft ${record.id}`);
  // Read again: the holder may have changed since `record` was read.
  if (claimed === "busy") throw draftBusy((await deps.drafts.get(record.id)) ?? record);
}

/**
 * A running draft whose holder is known dead reads as interrupted, as one whose lease ran out
 * does: `list`, `show` and `rm` then agree with what `resume` would do (take it over at once).
 */
export function asSeen(store: Store, draft: DraftRecord): DraftRecord {
  return draft.status === "running" && deadHolder(store, draft.owner) !== undefined
    ? { ...draft, status: "interrupted" }
    : draft;
}

/**
 * The holder whose lease can be taken at once. On the embedded store this process alone has the
 * store open (its pid lock), so any other holder is a process that stopped without letting go.
 * On Postgres only a CLI process of this host that is no longer running can be known dead.
 */
function deadHolder(store: Store, owner: string | null): string | undefined {
  if (owner === null || owner === store.owner) return undefined;
  if (store.db.kind === "embedded" || diedOnThisHost(owner)) return owner;
  return undefined;
}

function draftBusy(draft: DraftRecord): AppError {
  const holder = draft.owner ? describeOwner(draft.owner) : "another process";
  const until = draft.leaseUntil ? `, whose lease holds until ${timeOf(draft.leaseUntil)}` : "";
  const cli = draft.owner ? parseCliOwner(draft.owner) : undefined;
  const stop = cli ? `stop process ${cli.pid} on ${cli.host}` : "stop that process";
  return new AppError("DRAFT_BUSY", `draft ${draft.id} is being drafted by ${holder}${until}`, {
    hint: `wait for it to finish or for its lease to run out, or ${stop}`,
  });
}

/** A lease's end to the second, in UTC: the user compares it with a clock. */
function timeOf(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
