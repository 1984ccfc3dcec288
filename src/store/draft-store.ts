import type pg from "pg";
import type { Database } from "./database.js";
import { pruneThread, reclaimSpace } from "./retention.js";
import { inTransaction } from "./transaction.js";

export type DraftStatus =
  "queued" | "running" | "awaiting_review" | "completed" | "failed" | "cancelled" | "interrupted";

/** Whether a draft with this status has ended: its run finished, failed or was cancelled. */
export function hasEnded(status: string): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

export interface DraftRecord {
  id: string;
  title: string;
  /** "interrupted" is a running draft whose process stopped renewing its lease. */
  status: DraftStatus;
  model: string;
  template: string;
  featureText: string;
  featureSource: string;
  /** Stop at the review gate after analyze, for a person to check the brief. */
  reviewFirst: boolean;
  owner: string | null;
  /** Until when the owner's claim holds without a heartbeat; null when nobody is drafting it. */
  leaseUntil: Date | null;
  error: { code: string; message: string } | null;
  usage: Record<string, number> | null;
  createdAt: Date;
  updatedAt: Date;
  versions: number;
}

export interface VersionRecord {
  version: number;
  markdown: string;
  sections: unknown;
  revision: unknown;
  createdAt: Date;
}

export interface NewDraft {
  id: string;
  title: string;
  model: string;
  template: string;
  featureText: string;
  featureSource: string;
  reviewFirst?: boolean | undefined;
}

export type ClaimResult = "claimed" | "busy" | "missing";

export type LeaseState = "held" | "cancel" | "lost";

/** A pool or one of its clients (in a transaction): what the store's writes run on. */
export type Queryable = Pick<pg.Pool, "query">;

const SELECT_DRAFT = `
  SELECT d.id, d.title, d.model, d.template, d.feature_text, d.feature_source, d.review_first, d.owner, d.lease_until, d.error,
         d.usage, d.created_at, d.updated_at,
         CASE WHEN d.status = 'running' AND (d.lease_until IS NULL OR d.lease_until < now())
              THEN 'interrupted' ELSE d.status END AS status,
         (SELECT count(*)::int FROM draft_versions v WHERE v.draft_id = d.id) AS versions
  FROM drafts d`;

/**
 * The drafts and their versions, in plandraft's own tables beside the checkpoints.
 * `keepCheckpoints` is what a draft's end leaves of its checkpoints (PLANDRAFT_KEEP_CHECKPOINTS).
 */
export function createDraftStore(db: Database, keepCheckpoints: "final" | "all" = "all") {
  const { pool } = db;
  /**
   * Ends a draft still waiting for its turn or at its review gate (cancelled, or failed when its
   * worker could not start it); false when it is not waiting (a worker took it meanwhile, or it
   * has ended).
   */
  const endIfQueued = async (
    id: string,
    status: "cancelled" | "failed",
    error: { code: string; message: string },
  ): Promise<boolean> => {
    const { rowCount } = await pool.query(
      `UPDATE drafts SET status = $3, error = $2, owner = NULL, lease_until = NULL, updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'awaiting_review')`,
      [id, error, status],
    );
    return rowCount === 1;
  };
  return {
    /**
     * Records a new draft, owned by `owner`: running (with a lease of `leaseMs`), or queued until
     * its owner starts it.
     */
    async create(
      draft: NewDraft,
      owner: string,
      leaseMs: number,
      status: "running" | "queued" = "running",
      client: Queryable = pool,
    ): Promise<void> {
      await client.query(
        `INSERT INTO drafts (id, title, status, model, template, feature_text, feature_source, owner, lease_until,
                            review_first)
         VALUES ($1, $2, $9, $3, $4, $5, $6, $7,
                 CASE WHEN $9 = 'running' THEN now() + $8 * interval '1 millisecond' END, $10)`,
        [
          draft.id,
          draft.title,
          draft.model,
          draft.template,
          draft.featureText,
          draft.featureSource,
          owner,
          leaseMs,
          status,
          draft.reviewFirst ?? false,
        ],
      );
    },

    async get(id: string): Promise<DraftRecord | undefined> {
      const { rows } = await pool.query(`${SELECT_DRAFT} WHERE d.id = $1`, [id]);
      return rows[0] ? toDraft(rows[0] as Row) : undefined;
    },

    /** The one draft whose id starts with `prefix`; undefined when none or several do. */
    async byPrefix(prefix: string): Promise<DraftRecord | undefined> {
      if (!/^[0-9a-f-]{4,36}$/.test(prefix)) return undefined;
      const { rows } = await pool.query(`${SELECT_DRAFT} WHERE d.id::text LIKE $1 || '%' LIMIT 2`, [
        prefix,
      ]);
      return rows.length === 1 ? toDraft(rows[0] as Row) : undefined;
    },

    /** The unfinished drafts `owner` claimed or queued, oldest first: a restarted server resumes them. */
    async ownedBy(owner: string): Promise<DraftRecord[]> {
      const { rows } = await pool.query(
        `${SELECT_DRAFT} WHERE d.owner = $1 AND d.status IN ('running', 'queued') ORDER BY d.created_at`,
        [owner],
      );
      return (rows as Row[]).map(toDraft);
    },

    /** Newest first. */
    async list(limit: number, offset = 0): Promise<DraftRecord[]> {
      const { rows } = await pool.query(
        `${SELECT_DRAFT} ORDER BY d.created_at DESC, d.id LIMIT $1 OFFSET $2`,
        [limit, offset],
      );
      return (rows as Row[]).map(toDraft);
    },

    /**
     * Takes a draft for `owner`, unless a live process holds it: one atomic update, so two
     * resumes at once cannot both win. `takeOverFrom` is an owner known to be dead (its lease is
     * taken at once); it is matched in the same update, so only the first resume gets it.
     */
    async claim(
      id: string,
      owner: string,
      leaseMs: number,
      takeOverFrom?: string,
    ): Promise<ClaimResult> {
      const { rowCount } = await pool.query(
        `UPDATE drafts SET owner = $2, status = 'running', lease_until = now() + $3 * interval '1 millisecond', updated_at = now()
         WHERE id = $1 AND (owner IS NULL OR owner = $2 OR lease_until IS NULL OR lease_until < now()
                            OR owner = $4::text)`,
        [id, owner, leaseMs, takeOverFrom ?? null],
      );
      if (rowCount === 1) return "claimed";
      const { rowCount: exists } = await pool.query("SELECT 1 FROM drafts WHERE id = $1", [id]);
      return exists === 1 ? "busy" : "missing";
    },

    /**
     * Moves a draft from the review gate into line for `owner` (null: the cluster's queue), in
     * the caller's transaction when given: one atomic update, so of two answers at once only
     * the first gets it. False when it is not waiting at the gate.
     */
    async takeFromGate(
      id: string,
      owner: string | null,
      client: Queryable = pool,
    ): Promise<boolean> {
      const { rowCount } = await client.query(
        `UPDATE drafts SET status = 'queued', owner = $2, lease_until = NULL, updated_at = now()
         WHERE id = $1 AND status = 'awaiting_review'`,
        [id, owner],
      );
      return rowCount === 1;
    },

    /** Puts an owner's unfinished draft back in line, e.g. when its server restarts. */
    async requeue(id: string, owner: string): Promise<void> {
      await pool.query(
        `UPDATE drafts SET status = 'queued', lease_until = NULL, updated_at = now()
         WHERE id = $1 AND owner = $2 AND status IN ('running', 'queued')`,
        [id, owner],
      );
    },
    /**
     * Extends the lease: "held", "cancel" when someone asked to cancel the draft, or "lost" when
     * the draft is no longer this owner's (another process took it over).
     */
    async renew(id: string, owner: string, leaseMs: number): Promise<LeaseState> {
      const { rows } = await pool.query(
        `UPDATE drafts SET lease_until = now() + $3 * interval '1 millisecond' WHERE id = $1 AND owner = $2
         RETURNING cancel_requested_at IS NOT NULL AS cancel`,
        [id, owner, leaseMs],
      );
      const row = rows[0] as { cancel: boolean } | undefined;
      return row ? (row.cancel ? "cancel" : "held") : "lost";
    },

    /** Asks whoever runs the draft to cancel it; false when it is not running. */
    async requestCancel(id: string): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE drafts SET cancel_requested_at = now() WHERE id = $1 AND status = 'running'`,
        [id],
      );
      return rowCount === 1;
    },

    /**
     * Puts a finished draft back in line for a revision, in the caller's transaction with its
     * job; false when it is not finished (a run or another revision has it).
     */
    async queueAgain(id: string, client: Queryable = pool): Promise<boolean> {
      const { rowCount } = await client.query(
        `UPDATE drafts SET status = 'queued', owner = NULL, lease_until = NULL, updated_at = now()
         WHERE id = $1 AND status IN ('completed', 'failed', 'cancelled')`,
        [id],
      );
      return rowCount === 1;
    },

    endIfQueued,

    /**
     * Ends a draft nobody is running (waiting, or running under a lease that ran out) as failed
     * with `error`; false when it has ended already or a live process holds it.
     */
    async endUnheld(id: string, error: { code: string; message: string }): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE drafts SET status = 'failed', error = $2, owner = NULL, lease_until = NULL, updated_at = now()
         WHERE id = $1 AND (status = 'queued' OR (status = 'running' AND lease_until < now()))`,
        [id, error],
      );
      return rowCount === 1;
    },

    /** Drafts waiting for a worker, across the cluster: the queue's length. */
    async countQueued(client: Queryable = pool): Promise<number> {
      const { rows } = await client.query(
        "SELECT count(*)::int AS n FROM drafts WHERE status = 'queued'",
      );
      return (rows[0] as { n: number }).n;
    },

    /**
     * Ends a run: the outcome, and the draft is nobody's any more. False when `owner` no longer
     * held the draft (another process took it over, or it was ended from outside): nothing
     * changed, and that process ends it.
     */
    async finish(
      id: string,
      owner: string,
      outcome: {
        status: "completed" | "failed" | "cancelled" | "awaiting_review";
        error?: { code: string; message: string } | undefined;
        usage?: object | undefined;
      },
    ): Promise<boolean> {
      const end = (client: Queryable) =>
        client.query(
          `UPDATE drafts SET status = $3, error = $4, usage = COALESCE($5, usage), owner = NULL, lease_until = NULL,
                  cancel_requested_at = NULL, updated_at = now()
           WHERE id = $1 AND owner = $2`,
          [id, owner, outcome.status, outcome.error ?? null, outcome.usage ?? null],
        );
      if (keepCheckpoints === "all" || outcome.status === "awaiting_review") {
        return (await end(pool)).rowCount === 1;
      }
      // Ended and pruned together: a finished draft never holds more than its last checkpoint.
      const pruned = await inTransaction(pool, async (client) => {
        if ((await end(client)).rowCount !== 1) return false;
        await pruneThread(client, db.schema, id);
        return true;
      });
      if (pruned) await reclaimSpace(db); // after the commit: VACUUM runs outside a transaction
      return pruned;
    },

    /** Keeps a finished plan as the draft's next version; returns its number. */
    async addVersion(
      id: string,
      version: { markdown: string; sections: unknown; revision: unknown },
    ): Promise<number> {
      const { rows } = await pool.query(
        `INSERT INTO draft_versions (draft_id, version, markdown, sections, revision)
         SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4 FROM draft_versions WHERE draft_id = $1
         RETURNING version`,
        [
          id,
          version.markdown,
          JSON.stringify(version.sections),
          version.revision === undefined ? null : JSON.stringify(version.revision),
        ],
      );
      return (rows[0] as { version: number }).version;
    },

    /** A given version, or the latest. */
    async version(id: string, number?: number): Promise<VersionRecord | undefined> {
      const { rows } = await pool.query(
        `SELECT version, markdown, sections, revision, created_at FROM draft_versions
         WHERE draft_id = $1 AND ($2::int IS NULL OR version = $2) ORDER BY version DESC LIMIT 1`,
        [id, number ?? null],
      );
      const row = rows[0] as
        | {
            version: number;
            markdown: string;
            sections: unknown;
            revision: unknown;
            created_at: Date;
          }
        | undefined;
      return (
        row && {
          version: row.version,
          markdown: row.markdown,
          sections: row.sections,
          revision: row.revision,
          createdAt: row.created_at,
        }
      );
    },

    async remove(id: string): Promise<boolean> {
      const { rowCount } = await pool.query("DELETE FROM drafts WHERE id = $1", [id]);
      return rowCount === 1;
    },
  };
}

export type DraftStore = ReturnType<typeof createDraftStore>;

/** A draft as clients see it (CLI `--json`, the API): everything but the inputs' full text. */
export function draftSummary(draft: DraftRecord) {
  return {
    id: draft.id,
    title: draft.title,
    status: draft.status,
    model: draft.model,
    createdAt: draft.createdAt.toISOString(),
    updatedAt: draft.updatedAt.toISOString(),
    versions: draft.versions,
    error: draft.error,
    usage: draft.usage,
  };
}

interface Row {
  id: string;
  title: string;
  status: DraftStatus;
  model: string;
  template: string;
  feature_text: string;
  feature_source: string;
  review_first: boolean;
  owner: string | null;
  lease_until: Date | null;
  error: DraftRecord["error"];
  usage: DraftRecord["usage"];
  created_at: Date;
  updated_at: Date;
  versions: number;
}

function toDraft(row: Row): DraftRecord {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    model: row.model,
    template: row.template,
    featureText: row.feature_text,
    featureSource: row.feature_source,
    reviewFirst: row.review_first,
    owner: row.owner,
    leaseUntil: row.lease_until,
    error: row.error,
    usage: row.usage,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    versions: row.versions,
  };
}
