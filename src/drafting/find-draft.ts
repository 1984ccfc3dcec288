import { AppError } from "../errors.js";
import type { DraftRecord } from "../store/draft-store.js";
import type { Store } from "../store/store.js";
import { asSeen } from "./claim-draft.js";

/** Newest first, each as `asSeen` tells: what `plandraft list` and the API list. */
export async function listDrafts(store: Store, limit: number, offset = 0): Promise<DraftRecord[]> {
  return (await store.drafts.list(limit, offset)).map((draft) => asSeen(store, draft));
}

/** A draft by its id or a unique prefix of it (as `plandraft list` shows them). */
export async function findDraft(store: Store, idOrPrefix: string): Promise<DraftRecord> {
  const id = idOrPrefix.trim().toLowerCase();
  const record = /^[0-9a-f-]{36}$/.test(id)
    ? await store.drafts.get(id)
    : await store.drafts.byPrefix(id);
  if (!record) {
    throw new AppError("DRAFT_NOT_FOUND", `no draft ${idOrPrefix}`, {
      hint: "list the drafts with `plandraft list`",
    });
  }
  return asSeen(store, record);
}
