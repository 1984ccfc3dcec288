// Does pg-boss 10 boss.cancel() reach a running worker? (It does not: it only flips the row's state.)
const { spawn } = require("child_process");
const PgBoss = require("pg-boss");
const { pool, DB, setupSim, sleep } = require("./common");
(async () => {
  await setupSim();
  await pool.query("truncate spike_sim.sections, spike_sim.paid, spike_sim.log");
  await pool.query("delete from spike_pgboss.job");
  const w = spawn(process.execPath, [__dirname + "/pgboss-worker.js", "A"], {
    env: { ...process.env, MODE: "fetch", EXPIRE: "3", SECTIONS: "8", MSPER: "500" },
    stdio: "ignore",
  });
  await sleep(2000);
  const boss = new PgBoss({
    connectionString: DB,
    schema: "spike_pgboss",
    supervise: false,
    schedule: false,
    migrate: false,
  });
  await boss.start();
  const id = await boss.send("draft", { draftId: "c1" }, { singletonKey: "c1" });
  await sleep(1500);
  console.log("cancel() ->", JSON.stringify(await boss.cancel("draft", id)));
  await sleep(4000);
  console.log(
    (
      await pool.query(
        `select to_char(at,'MI:SS.MS') at, worker, what from spike_sim.log where draft_id='c1' order by at`,
      )
    ).rows
      .map((x) => `${x.at} ${x.worker} ${x.what}`)
      .join("\n"),
  );
  console.log(
    "job state now:",
    (await pool.query(`select state from spike_pgboss.job where id=$1`, [id])).rows[0],
  );
  w.kill("SIGKILL");
  process.exit(0);
})();
