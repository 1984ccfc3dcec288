// Usage: node orchestrate.js <pgboss|gw> <kill|stop|cancel|burst> [force]
// Spawns 2 real worker processes, enqueues draft(s), and measures takeover/handback/cancel.
const { spawn } = require("child_process");
const PgBoss = require("pg-boss");
const { makeWorkerUtils } = require("graphile-worker");
const { pool, DB, setupSim, sleep } = require("./common");
const [LIB, SCEN, FORCE] = process.argv.slice(2);
const script = LIB === "pgboss" ? "pgboss-worker.js" : "gw-worker.js";
const procs = {};
function start(name, env = {}) {
  const p = spawn(process.execPath, [__dirname + "/" + script, name], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  p.stdout.on("data", (d) => process.stdout.write(`[${name}] ${d}`));
  p.stderr.on("data", (d) => process.stdout.write(`[${name} ERR] ${d}`));
  procs[name] = p;
  return new Promise((r) => p.stdout.on("data", (d) => /ready in/.test(d) && r()));
}
async function enqueue(draftIds) {
  if (LIB === "pgboss") {
    const boss = new PgBoss({
      connectionString: DB,
      schema: "spike_pgboss",
      supervise: false,
      schedule: false,
      migrate: false,
    });
    await boss.start();
    const ids = [];
    for (const d of draftIds)
      ids.push(await boss.send("draft", { draftId: d }, { singletonKey: d }));
    await boss.stop({ graceful: false });
    return ids;
  } else {
    const wu = await makeWorkerUtils({ connectionString: DB, schema: "spike_gw" });
    const ids = [];
    for (const d of draftIds)
      ids.push(
        (
          await wu.addJob(
            "draft",
            { draftId: d },
            { queueName: `draft:${d}`, jobKey: `draft:${d}`, maxAttempts: 1000 },
          )
        ).id,
      );
    await wu.release();
    return ids;
  }
}
const q = (s, p) => pool.query(s, p).then((r) => r.rows);
async function waitFor(sql, params, timeoutMs = 120000) {
  const t = Date.now();
  for (;;) {
    const r = await q(sql, params);
    if (r.length) return r[0];
    if (Date.now() - t > timeoutMs) return null;
    await sleep(100);
  }
}
(async () => {
  await setupSim();
  await q("truncate spike_sim.sections, spike_sim.paid, spike_sim.log");
  if (LIB === "pgboss") await q("delete from spike_pgboss.job").catch(() => {});
  else
    await q(
      "delete from spike_gw._private_jobs; delete from spike_gw._private_job_queues; delete from spike_sim.gw_hb",
    ).catch(() => {});
  const env = SCEN === "burst" ? { SLOTS: "2", MSPER: "300", SECTIONS: "10" } : {};
  await Promise.all([start("A", env), start("B", env)]);
  if (SCEN === "burst") {
    const t0 = Date.now();
    const ids = Array.from({ length: 20 }, (_, i) => `b${i}`);
    await enqueue(ids);
    await sleep(2500);
    console.log("restarting everything mid-burst (SIGKILL both)");
    procs.A.kill("SIGKILL");
    procs.B.kill("SIGKILL");
    // no SQL shortcut here: the restarted workers recover the dead workers' jobs by lease expiry (pg-boss) / our reaper (graphile-worker)
    await Promise.all([start("A", env), start("B", env)]);
    await waitFor(
      `select 1 from (select count(*) c from spike_sim.log where what='finished') x where c>=20`,
      [],
      180000,
    );
    console.log(
      "RESULT burst: 20 drafts finished in",
      Date.now() - t0,
      "ms; by worker:",
      JSON.stringify(
        await q(`select worker, count(*) from spike_sim.log where what='finished' group by 1`),
      ),
      "sections repaid:",
      (
        await q(
          "select count(*)::int n from (select draft_id, section from spike_sim.paid group by 1,2 having count(*)>1) x",
        )
      )[0].n,
      "max concurrent per proc checked via log",
    );
    console.log(
      "max concurrent drafts per worker process:",
      JSON.stringify(
        await q(
          `select worker, max(c)::int from (select a.worker, a.at, (select count(distinct b.draft_id) from spike_sim.paid b where b.worker=a.worker and b.at between a.at - interval '250 ms' and a.at) c from spike_sim.paid a) x group by 1`,
        ),
      ),
    );
  } else {
    const [jobId] = await enqueue(["d1"]);
    const s = await waitFor(
      `select worker from spike_sim.log where draft_id='d1' and what like 'start%'`,
    );
    const holder = s.worker,
      other = holder === "A" ? "B" : "A";
    await sleep(5500);
    const t = (await q("select clock_timestamp() t"))[0].t;
    if (SCEN === "kill") {
      procs[holder].kill("SIGKILL");
      console.log("SIGKILLed", holder, "at", t.toISOString());
      if (FORCE) {
        // test shortcut: expire the lease right now with SQL
        if (LIB === "pgboss")
          await q(
            `update spike_pgboss.job set state='retry', start_after=now() where name='draft' and id=$1 and state='active'`,
            [jobId],
          );
        else {
          await q(
            `select spike_gw.force_unlock_workers(array(select worker_id from spike_sim.gw_hb where proc=$1))`,
            [holder],
          );
          await q(`select pg_notify('jobs:insert','{"count":10}')`);
        }
      }
    } else if (SCEN === "stop") {
      procs[holder].kill("SIGTERM");
      console.log("SIGTERM", holder, "at", t.toISOString());
    } else if (SCEN === "cancel") {
      await q(`select pg_notify('spike_cancel','d1')`);
      console.log("cancel NOTIFY sent at", t.toISOString());
    }
    if (SCEN === "cancel") {
      const c = await waitFor(
        `select at from spike_sim.log where draft_id='d1' and what='cancelled'`,
        [],
        30000,
      );
      console.log(`RESULT ${LIB} cancel: worker stopped draft after ${c ? c.at - t : "never"} ms`);
    } else {
      const r = await waitFor(
        `select at, worker||': '||what as what from spike_sim.log where draft_id='d1' and ((worker=$1 and what like 'start%') or what='finished') order by at`,
        [other],
        300000,
      );
      const st = await q(
        `select what from spike_sim.log where worker=$1 and what like '%took%' or what like 'boss.stop%'`,
        [holder],
      );
      console.log("stop log:", JSON.stringify(st));
      console.log(
        `RESULT ${LIB} ${SCEN}${FORCE ? "+force" : ""}: ${other} took over after ${r ? r.at - t : "never"} ms: ${r && r.what}`,
      );
      await waitFor(
        `select 1 from spike_sim.log where draft_id='d1' and what='finished'`,
        [],
        120000,
      );
      console.log(
        "repaid sections:",
        JSON.stringify(
          await q(
            "select section, array_agg(worker) from spike_sim.paid group by 1 having count(*)>1",
          ),
        ),
      );
      console.log(
        "runs started by a different worker later:",
        JSON.stringify(
          await q(
            `select count(*)::int from spike_sim.log a join spike_sim.log b on a.draft_id=b.draft_id and a.worker<>b.worker and a.what like 'start%' and b.what like 'start%' and a.at<b.at`,
          ),
        ),
      );
    }
  }
  console.log(
    JSON.stringify(
      await q(
        `select to_char(at,'HH24:MI:SS.MS') at, worker, draft_id, what from spike_sim.log where what not like 'finished' order by at limit 30`,
      ),
    ),
  );
  for (const p of Object.values(procs)) p.kill("SIGKILL");
  await pool.end();
  process.exit(0);
})();
