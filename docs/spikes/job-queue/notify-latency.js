// LISTEN/NOTIFY fan-out: 1 publisher process, 2 listener processes (the "API nodes"). Measures delivery latency and payload limit.
const { Client } = require("pg");
const { fork } = require("child_process");
const DB = "postgres://postgres@127.0.0.1:5432/queuespike";
const N = 500,
  RATE_MS = 20;
if (process.argv[2] === "listen") {
  (async () => {
    const c = new Client({ connectionString: DB });
    await c.connect();
    await c.query("LISTEN spike_events");
    const lat = [];
    c.on("notification", (m) => {
      const { t, i } = JSON.parse(m.payload);
      lat.push(Date.now() + (performance.timeOrigin % 1) - t);
      if (i === N - 1) {
        process.send(lat);
        process.exit(0);
      }
    });
    process.send("ready");
  })();
} else {
  (async () => {
    const kids = [fork(__filename, ["listen"]), fork(__filename, ["listen"])];
    await Promise.all(kids.map((k) => new Promise((r) => k.once("message", r))));
    const results = kids.map((k) => new Promise((r) => k.once("message", r)));
    const c = new Client({ connectionString: DB });
    await c.connect();
    const pad = "x".repeat(1000);
    for (let i = 0; i < N; i++) {
      await c.query("select pg_notify($1, $2)", [
        "spike_events",
        JSON.stringify({ t: Date.now(), i, pad }),
      ]);
      await new Promise((r) => setTimeout(r, RATE_MS));
    }
    const all = await Promise.all(results);
    all.forEach((lat, k) => {
      lat.sort((a, b) => a - b);
      console.log(
        `listener ${k}: n=${lat.length} p50=${lat[lat.length >> 1]}ms p99=${lat[Math.floor(lat.length * 0.99)]}ms max=${lat[lat.length - 1]}ms (1 KB payload, ${1000 / RATE_MS}/s)`,
      );
    });
    for (const len of [7990, 7999, 8000, 9000]) {
      try {
        await c.query("select pg_notify($1, $2)", ["spike_events", "y".repeat(len)]);
        console.log(`payload ${len} bytes: ok`);
      } catch (e) {
        console.log(`payload ${len} bytes: ${e.message}`);
      }
    }
    await c.end();
  })();
}
