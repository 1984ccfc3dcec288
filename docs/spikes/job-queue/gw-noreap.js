// graphile-worker 0.16 without our reaper: after SIGKILL the job stays locked (locked_at + 4h) and nobody takes it.
const { spawn } = require("child_process");
const { makeWorkerUtils } = require("graphile-worker");
const { pool, DB, setupSim, sleep } = require("./common");
(async () => {
  await setupSim();
  await pool.query("truncate spike_sim.sections, spike_sim.paid, spike_sim.log");
  await pool.query("delete from spike_gw._private_jobs; delete from spike_gw._private_job_queues");
  const ps = ["A", "B"].map((n) =>
    spawn(process.execPath, [__dirname + "/gw-worker.js", n], {
      env: { ...process.env, REAP: "0", MSPER: "500", POLL: "500" },
      stdio: "ignore",
    }),
  );
  await sleep(2500);
  const wu = await makeWorkerUtils({ connectionString: DB, schema: "spike_gw" });
  await wu.addJob(
    "draft",
    { draftId: "n1" },
    { queueName: "draft:n1", jobKey: "draft:n1", maxAttempts: 1000 },
  );
  await sleep(3000);
  const holder = (
    await pool.query(`select worker from spike_sim.log where draft_id='n1' and what like 'start%'`)
  ).rows[0].worker;
  ps[holder === "A" ? 0 : 1].kill("SIGKILL");
  await sleep(20000);
  console.log(
    (
      await pool.query(
        `select to_char(at,'MI:SS.MS') at, worker, what from spike_sim.log where draft_id='n1' order by at`,
      )
    ).rows
      .map((x) => `${x.at} ${x.worker} ${x.what}`)
      .join("\n"),
  );
  console.log(
    "20 s after SIGKILL:",
    (
      await pool.query(
        `select locked_by, locked_at, locked_at + interval '4 hours' as would_unlock_at, now() from spike_gw._private_jobs`,
      )
    ).rows,
  );
  ps.forEach((p) => p.kill("SIGKILL"));
  await wu.release();
  process.exit(0);
})();
