// graphile-worker 0.16 worker + our own heartbeat/reaper (the library has only a fixed 4h lock timeout).
const { run, makeWorkerUtils } = require("graphile-worker");
const { EventEmitter } = require("events");
const { Client } = require("pg");
const { DB, setupSim, runDraft, log, pool } = require("./common");
const NAME = process.argv[2] || `w${process.pid}`;
const SLOTS = +(process.env.SLOTS || 1),
  MS = +(process.env.MSPER || 1000),
  SECTIONS = +(process.env.SECTIONS || 20);
const HB = +(process.env.HB || 1000),
  DEAD = +(process.env.DEAD || 3); // heartbeat period ms, dead after DEAD s
const REAP = process.env.REAP !== "0";
const SCHEMA = "spike_gw";
const active = new Map();
(async () => {
  const t0 = Date.now();
  await setupSim();
  await pool.query(
    "create table if not exists spike_sim.gw_hb(worker_id text primary key, proc text, seen_at timestamptz default now())",
  );
  const events = new EventEmitter();
  const workerIds = new Set();
  events.on("worker:create", ({ worker }) => workerIds.add(worker.workerId));
  const runner = await run({
    connectionString: DB,
    schema: SCHEMA,
    concurrency: SLOTS,
    pollInterval: +(process.env.POLL || 2000),
    noHandleSignals: true,
    events,
    taskList: {
      draft: async (payload, helpers) => {
        const ac = new AbortController();
        active.set(payload.draftId, { ac, job: helpers.job });
        try {
          await runDraft(payload.draftId, NAME, {
            sections: SECTIONS,
            msPer: MS,
            signal: ac.signal,
          });
        } catch (e) {
          if (e.message === "cancelled") {
            await log(NAME, payload.draftId, "cancelled");
            return;
          } // complete => job deleted
          throw e;
        } finally {
          active.delete(payload.draftId);
        }
      },
    },
  });
  console.log(NAME, "ready in", Date.now() - t0, "ms", [...workerIds]);
  const hb = async () => {
    for (const id of workerIds)
      await pool.query(
        "insert into spike_sim.gw_hb(worker_id,proc) values($1,$2) on conflict(worker_id) do update set seen_at=now()",
        [id, NAME],
      );
    if (REAP) {
      // reaper: unlock jobs of workers whose heartbeat is stale, then wake idle workers
      const { rows } = await pool.query(
        `with dead as (delete from spike_sim.gw_hb where seen_at < now() - make_interval(secs => $1) returning worker_id)
        select array_agg(worker_id) ids from dead`,
        [DEAD],
      );
      if (rows[0].ids) {
        await pool.query(`select ${SCHEMA}.force_unlock_workers($1::text[])`, [rows[0].ids]);
        await pool.query(`select pg_notify('jobs:insert', '{"count":10}')`);
        await log(NAME, "-", `reaped ${rows[0].ids.join(",")}`);
      }
    }
  };
  setInterval(() => hb().catch((e) => console.error("hb", e.message)), HB);
  const listener = new Client({ connectionString: DB });
  await listener.connect();
  await listener.query("LISTEN spike_cancel");
  listener.on("notification", (m) => {
    const a = active.get(m.payload);
    if (a) {
      log(NAME, m.payload, "cancel notification received");
      a.ac.abort(new Error("cancelled"));
    }
  });
  process.on("SIGTERM", async () => {
    const t = Date.now();
    const ids = [...active.values()].map((a) => a.job.id);
    if (process.env.HANDBACK === "1")
      for (const a of active.values()) a.ac.abort(new Error("handback"));
    await runner.stop(); // = gracefulShutdown: waits for running tasks
    if (ids.length && process.env.HANDBACK === "1") {
      // failJob added exp(attempts) s backoff; make it runnable now
      const wu = await makeWorkerUtils({ connectionString: DB, schema: SCHEMA });
      await wu.rescheduleJobs(ids, { runAt: new Date() });
      await wu.release();
    }
    await pool.query("delete from spike_sim.gw_hb where proc=$1", [NAME]);
    await log(NAME, "-", `runner.stop + handback took ${Date.now() - t}ms`);
    process.exit(0);
  });
})();
