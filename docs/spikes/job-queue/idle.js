// Idle DB load + startup time: one idle worker process per library (no jobs), counts transactions on the queuespike DB.
const { spawn } = require("child_process");
const { Client } = require("pg");
const DB = "postgres://postgres@127.0.0.1:5432/queuespike";
const WINDOW = 30000;
if (process.argv[2] === "child") {
  const which = process.argv[3];
  (async () => {
    const t0 = Date.now();
    if (which.startsWith("pgboss")) {
      const PgBoss = require("pg-boss");
      const opts =
        which === "pgboss-default"
          ? {}
          : {
              pollingIntervalSeconds: 0.5,
              maintenanceIntervalSeconds: 1,
              monitorStateIntervalSeconds: 60,
            };
      const boss = new PgBoss({
        connectionString: DB,
        schema: "spike_pgboss",
        schedule: false,
        ...opts,
      });
      await boss.start();
      await boss.work("draft", {}, async () => {});
    } else {
      const { run } = require("graphile-worker");
      await run({
        connectionString: DB,
        schema: "spike_gw",
        concurrency: 2,
        pollInterval: which === "gw-default" ? 2000 : 500,
        noHandleSignals: true,
        logger: undefined,
        taskList: { draft: async () => {} },
      });
    }
    process.send(Date.now() - t0);
  })();
} else {
  (async () => {
    const c = new Client({ connectionString: DB });
    await c.connect();
    const stat = async () =>
      (
        await c.query(
          `select xact_commit + xact_rollback n from pg_stat_database where datname='queuespike'`,
        )
      ).rows[0].n;
    for (const which of ["pgboss-default", "pgboss-tuned", "gw-default", "gw-tuned"]) {
      const t0 = Date.now();
      const p = spawn(process.execPath, [__filename, "child", which], {
        stdio: ["ignore", "ignore", "ignore", "ipc"],
      });
      const ready = await new Promise((r) => p.once("message", r));
      await new Promise((r) => setTimeout(r, 3000));
      await c.query("select pg_stat_clear_snapshot()");
      const a = await stat();
      const ta = Date.now();
      await new Promise((r) => setTimeout(r, WINDOW));
      await c.query("select pg_stat_clear_snapshot()");
      const b = await stat();
      console.log(
        `${which}: start() ready in ${ready} ms (process spawn->ready ${Date.now() - t0 - WINDOW - 3000} ms approx); idle load ${((b - a - 2) / ((Date.now() - ta) / 1000)).toFixed(2)} transactions/s`,
      );
      p.kill("SIGKILL");
      await new Promise((r) => setTimeout(r, 1000));
    }
    await c.end();
  })();
}
