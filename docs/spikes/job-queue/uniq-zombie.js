// (a) per-draft uniqueness: pg-boss 'stately' + singletonKey vs graphile-worker jobKey + queueName
// (b) zombie completion: can a worker whose lease was taken over still complete the job the new holder is running?
const PgBoss = require("pg-boss");
const { makeWorkerUtils } = require("graphile-worker");
const { pool, DB } = require("./common");
const q = (s, p) => pool.query(s, p).then((r) => r.rows);
(async () => {
  await q("delete from spike_pgboss.job");
  await q("delete from spike_gw._private_jobs; delete from spike_gw._private_job_queues");
  const boss = new PgBoss({
    connectionString: DB,
    schema: "spike_pgboss",
    supervise: false,
    schedule: false,
    migrate: false,
  });
  await boss.start();
  const s1 = await boss.send("draft", { draftId: "u1" }, { singletonKey: "u1" });
  const s2 = await boss.send("draft", { draftId: "u1" }, { singletonKey: "u1" });
  console.log("pg-boss stately: send#1", !!s1, "send#2 while #1 queued ->", s2);
  const [j1] = await boss.fetch("draft"); // worker 1 takes it
  const s3 = await boss.send("draft", { draftId: "u1" }, { singletonKey: "u1" });
  const s4 = await boss.send("draft", { draftId: "u1" }, { singletonKey: "u1" });
  console.log("  while #1 active: send#3 ->", !!s3, "(queued behind it)  send#4 ->", s4);
  const [j3] = await boss.fetch("draft");
  console.log(
    "  fetch while u1 active returns the queued u1 job?",
    !!j3,
    "(stately: one active per key)",
  );
  console.log("  getQueueSize(draft) =", await boss.getQueueSize("draft"));
  // zombie: expire worker 1's lease by SQL, worker 2 fetches the same job id, then worker 1 completes it
  await q(`update spike_pgboss.job set state='retry', start_after=now() where id=$1`, [j1.id]);
  const [j1b] = await boss.fetch("draft");
  console.log("pg-boss takeover fetch got same job id?", j1b?.id === j1.id);
  const r = await boss.complete("draft", j1.id);
  console.log(
    "  zombie worker 1 complete(id) affected =",
    r.affected,
    "-> state now",
    (await q("select state from spike_pgboss.job where id=$1", [j1.id]))[0].state,
    "(worker 2 is still running it)",
  );
  await boss.stop({ graceful: false });

  const wu = await makeWorkerUtils({ connectionString: DB, schema: "spike_gw" });
  const a = await wu.addJob(
    "draft",
    { draftId: "u1" },
    { queueName: "draft:u1", jobKey: "draft:u1" },
  );
  const b = await wu.addJob(
    "draft",
    { draftId: "u1" },
    { queueName: "draft:u1", jobKey: "draft:u1" },
  );
  console.log("graphile jobKey replace: same row?", a.id === b.id);
  // simulate worker 1 locking it (same SQL as get_job), then a second add with the same key
  await q(
    `update spike_gw._private_jobs set locked_by='w1', locked_at=now(), attempts=attempts+1 where id=$1`,
    [a.id],
  );
  await q(
    `update spike_gw._private_job_queues set locked_by='w1', locked_at=now() where queue_name='draft:u1'`,
  );
  const c = await wu.addJob(
    "draft",
    { draftId: "u1" },
    { queueName: "draft:u1", jobKey: "draft:u1" },
  );
  console.log(
    "  add with same key while locked -> new row?",
    c.id !== a.id,
    "; rows:",
    JSON.stringify(await q(`select id, key, locked_by, queue_name from spike_gw.jobs order by id`)),
  );
  console.log(
    "  (the new row waits: queue draft:u1 is locked, so only one job per draft runs at once)",
  );
  // zombie: force-unlock w1, w2 locks, w1 completes via the library's completeJob SQL (delete where id=$1, no locked_by check)
  await q(`select spike_gw.force_unlock_workers('{w1}')`);
  await q(`update spike_gw._private_jobs set locked_by='w2', locked_at=now() where id=$1`, [a.id]);
  const del = await q(`delete from spike_gw._private_jobs where id=$1 returning id`, [a.id]); // = completeJob.js (no job_queue branch)
  console.log("graphile zombie complete deleted w2's job?", del.length === 1);
  await wu.release();
  await pool.end();
})();
