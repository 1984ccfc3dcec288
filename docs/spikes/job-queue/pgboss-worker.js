// pg-boss 10 worker. MODE=work  -> boss.work() (library loop, no heartbeat; lease = expireInSeconds from start)
//                   MODE=fetch -> own fetch loop + heartbeat (UPDATE job SET started_on=now()) so expireInSeconds can be short.
const PgBoss = require("pg-boss");
const { Client } = require("pg");
const { DB, setupSim, runDraft, log, pool, sleep } = require("./common");
const NAME = process.argv[2] || `w${process.pid}`;
const MODE = process.env.MODE || "fetch";
const EXPIRE = +(process.env.EXPIRE || 6),
  HB = +(process.env.HB || 2000),
  SLOTS = +(process.env.SLOTS || 1);
const MS = +(process.env.MSPER || 1000),
  SECTIONS = +(process.env.SECTIONS || 20);
const SCHEMA = "spike_pgboss";
const active = new Map(); // draftId -> {job, ac}
(async () => {
  const t0 = Date.now();
  const boss = new PgBoss({
    connectionString: DB,
    schema: SCHEMA,
    max: 4,
    maintenanceIntervalSeconds: +(process.env.MAINT || 1),
    monitorStateIntervalSeconds: 60,
    pollingIntervalSeconds: +(process.env.POLL || 0.5),
    schedule: false,
  });
  boss.on("error", (e) => console.error("boss error", e.message));
  await boss.start();
  await setupSim();
  const qopts = { policy: "stately", retryLimit: 1000, retryDelay: 0, expireInSeconds: EXPIRE };
  if (!(await boss.getQueue("draft")))
    await boss.createQueue("draft", qopts).catch((e) => console.error(e.message));
  else await boss.updateQueue("draft", qopts);
  console.log(NAME, "ready in", Date.now() - t0, "ms");
  // cancel channel (our own LISTEN/NOTIFY)
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
  async function handle(job) {
    const ac = new AbortController();
    active.set(job.data.draftId, { job, ac });
    let hb;
    if (MODE === "fetch")
      hb = setInterval(
        () =>
          pool
            .query(
              `update ${SCHEMA}.job set started_on=now() where name='draft' and id=$1 and state='active'`,
              [job.id],
            )
            .catch(() => {}),
        HB,
      );
    try {
      await runDraft(job.data.draftId, NAME, { sections: SECTIONS, msPer: MS, signal: ac.signal });
      return "done";
    } finally {
      clearInterval(hb);
      active.delete(job.data.draftId);
    }
  }
  if (MODE === "work") {
    for (let i = 0; i < SLOTS; i++)
      await boss.work(
        "draft",
        { pollingIntervalSeconds: +(process.env.POLL || 0.5) },
        async ([job]) => handle(job),
      );
  } else {
    let stopping = false;
    const loops = [];
    for (let i = 0; i < SLOTS; i++)
      loops.push(
        (async () => {
          while (!stopping) {
            const [job] = await boss.fetch("draft");
            if (!job) {
              await sleep(+(process.env.POLL || 0.5) * 1000);
              continue;
            }
            try {
              await handle(job);
              await boss.complete("draft", job.id);
            } catch (e) {
              if (e.message === "cancelled") {
                await boss.cancel("draft", job.id);
                await log(NAME, job.data.draftId, "cancelled");
              } else if (e.message === "handback") {
                await boss.fail("draft", job.id, { handback: true });
                await log(NAME, job.data.draftId, "handed back");
              } else {
                await boss.fail("draft", job.id, { message: e.message });
              }
            }
          }
        })(),
      );
    process.on("SIGTERM", async () => {
      const t = Date.now();
      stopping = true;
      for (const a of active.values()) a.ac.abort(new Error("handback"));
      await Promise.all(loops);
      await boss.stop({ graceful: false, wait: true });
      console.log(NAME, "graceful stop took", Date.now() - t, "ms");
      process.exit(0);
    });
  }
  if (MODE === "work")
    process.on("SIGTERM", async () => {
      const t = Date.now();
      await boss.stop({ graceful: process.env.GRACEFUL !== "0", timeout: 30000, wait: true });
      await log(NAME, "-", `boss.stop returned after ${Date.now() - t}ms`);
      process.exit(0);
    });
})();
