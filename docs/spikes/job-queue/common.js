// Shared helpers: simulated draft with per-section checkpoints in Postgres.
const { Pool } = require("pg");
const DB = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/queuespike";
const pool = new Pool({ connectionString: DB, max: 3 });
const sleep = (ms, signal) =>
  new Promise((res, rej) => {
    if (signal?.aborted) return rej(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      rej(signal.reason || new Error("aborted"));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      res();
    }, ms);
    if (signal) signal.addEventListener("abort", onAbort, { once: true });
  });
async function setupSim() {
  await pool.query(`create schema if not exists spike_sim;
    create table if not exists spike_sim.sections(draft_id text, section int, worker text, at timestamptz default clock_timestamp(), primary key(draft_id, section));
    create table if not exists spike_sim.paid(draft_id text, section int, worker text, at timestamptz default clock_timestamp());
    create table if not exists spike_sim.log(at timestamptz default clock_timestamp(), worker text, draft_id text, what text);`);
}
const log = (worker, draftId, what) => {
  console.log(new Date().toISOString(), worker, draftId, what);
  return pool
    .query("insert into spike_sim.log(worker,draft_id,what) values($1,$2,$3)", [
      worker,
      draftId,
      what,
    ])
    .catch(() => {});
};
// Runs a draft: N sections of msPer ms each; resumes from last checkpoint; every section "paid" is recorded in spike_sim.paid.
async function runDraft(draftId, worker, { sections = 20, msPer = 1000, signal, onProgress } = {}) {
  const { rows } = await pool.query("select section from spike_sim.sections where draft_id=$1", [
    draftId,
  ]);
  const done = new Set(rows.map((r) => r.section));
  await log(worker, draftId, `start (resume from ${done.size} done)`);
  for (let i = 0; i < sections; i++) {
    if (done.has(i)) continue;
    await pool.query("insert into spike_sim.paid(draft_id,section,worker) values($1,$2,$3)", [
      draftId,
      i,
      worker,
    ]);
    await sleep(msPer, signal); // the "LLM call"
    await pool.query(
      "insert into spike_sim.sections(draft_id,section,worker) values($1,$2,$3) on conflict do nothing",
      [draftId, i, worker],
    );
    if (onProgress) await onProgress(i);
  }
  await log(worker, draftId, "finished");
}
module.exports = { pool, DB, sleep, setupSim, runDraft, log };
