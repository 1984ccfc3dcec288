// Two processes starting at the same time against an empty schema: does migration race?
const { fork } = require("child_process");
const DB = "postgres://postgres@127.0.0.1:5432/queuespike";
if (process.argv[2]) {
  (async () => {
    const t0 = Date.now();
    try {
      if (process.argv[2] === "pgboss") {
        const PgBoss = require("pg-boss");
        const b = new PgBoss({
          connectionString: DB,
          schema: "spike_pgboss2",
          supervise: false,
          schedule: false,
        });
        b.on("error", (e) => console.log("err", e.message));
        await b.start();
      } else {
        const { runMigrations } = require("graphile-worker");
        await runMigrations({ connectionString: DB, schema: "spike_gw2" });
      }
      process.send(`ok in ${Date.now() - t0} ms`);
    } catch (e) {
      process.send(`FAILED: ${e.message}`);
    }
    setTimeout(() => process.exit(0), 100);
  })();
} else {
  (async () => {
    for (const lib of ["pgboss", "gw"])
      for (let round = 0; round < 2; round++) {
        const ks = [0, 1, 2].map(() => fork(__filename, [lib], { stdio: "ignore" }));
        const res = await Promise.all(ks.map((k) => new Promise((r) => k.once("message", r))));
        console.log(
          lib,
          round === 0 ? "fresh schema, 3 concurrent starts:" : "existing schema:",
          res.join(" | "),
        );
      }
  })();
}
