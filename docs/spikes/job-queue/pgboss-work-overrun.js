// Demonstrates pg-boss 10 work(): a handler running longer than expireInSeconds is failed (and retried) while it keeps running.
const { spawn } = require("child_process");
const PgBoss = require("pg-boss");
const { pool, DB, setupSim, sleep } = require("./common");
(async () => {
  await setupSim();
  await pool.query("truncate spike_sim.sections, spike_sim.paid, spike_sim.log");
  await pool.query("delete from spike_pgboss.job");
  const ps = ["A", "B"].map((n) =>
    spawn(process.execPath, [__dirname + "/pgboss-worker.js", n], {
      env: { ...process.env, MODE: "work", EXPIRE: "4", SECTIONS: "12" },
      stdio: "ignore",
    }),
  );
  await sleep(2500);
  const boss = new PgBoss({
    connectionString: DB,
    schema: "spike_pgboss",
    supervise: false,
    schedule: false,
    migrate: false,
  });
  await boss.start();
  await boss.send("draft", { draftId: "o1" }, { singletonKey: "o1" });
  await sleep(20000);
  const r = await pool.query(
    `select to_char(at,'MI:SS.MS') at, worker, what from spike_sim.log where draft_id='o1' order by at`,
  );
  console.log(r.rows.map((x) => `${x.at} ${x.worker} ${x.what}`).join("\n"));
  const p = await pool.query(
    `select count(*)::int paid, count(distinct section)::int distinct_sections from spike_sim.paid where draft_id='o1'`,
  );
  console.log("sections paid:", p.rows[0]);
  ps.forEach((p) => p.kill("SIGKILL"));
  process.exit(0);
})();
