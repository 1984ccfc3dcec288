import type pg from "pg";

type Done = (error: Error | null, state?: { current: number; ttl: number }) => void;

interface RouteParams {
  routeInfo?: { method?: string | string[]; url?: string };
}

/**
 * Counts one more request from `key` in its window and says how many there were and how long
 * the window has left: one statement, so API nodes counting at once do not lose a hit.
 */
const INCREMENT = `
  INSERT INTO rate_limits (key, hits, window_ends) VALUES ($1, 1, now() + $2 * interval '1 millisecond')
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limits.window_ends <= now() THEN 1 ELSE rate_limits.hits + 1 END,
    window_ends = CASE WHEN rate_limits.window_ends <= now()
                       THEN now() + $2 * interval '1 millisecond' ELSE rate_limits.window_ends END
  RETURNING hits, greatest(0, ceil(extract(epoch FROM window_ends - now()) * 1000))::int AS ttl`;

const READ = `SELECT hits, greatest(0, ceil(extract(epoch FROM window_ends - now()) * 1000))::int AS ttl
              FROM rate_limits WHERE key = $1 AND window_ends > now()`;

/** Windows long over are dropped now and then, by whichever request comes. */
const FORGET = "DELETE FROM rate_limits WHERE window_ends < now() - interval '1 hour'";
const FORGET_EVERY = 500;

/**
 * A store for @fastify/rate-limit in the cluster's Postgres, so the per-address limit on new
 * drafts and revisions holds across every API node. Each route counts apart, as the plugin's
 * own in-memory store does.
 */
export function postgresRateStore(pool: pg.Pool) {
  let calls = 0;
  const run = (sql: string, values: unknown[], done: Done) => {
    if (++calls % FORGET_EVERY === 0) pool.query(FORGET).catch(() => undefined);
    pool.query(sql, values).then(
      ({ rows }) => {
        const row = rows[0] as { hits: number; ttl: number } | undefined;
        done(null, row ? { current: row.hits, ttl: row.ttl } : { current: 0, ttl: 0 });
      },
      (error: Error) => done(error),
    );
  };
  return class PostgresRateStore {
    private readonly route: string;

    constructor(params: RouteParams = {}) {
      const { method, url } = params.routeInfo ?? {};
      this.route = url ? `${[method].flat().join(",")} ${url}` : "*";
    }

    incr(key: string, done: Done, timeWindow: number): void {
      run(INCREMENT, [`${this.route} ${key}`, timeWindow], done);
    }

    read(key: string, done: Done): void {
      run(READ, [`${this.route} ${key}`], done);
    }

    child(params: RouteParams): PostgresRateStore {
      return new PostgresRateStore(params);
    }
  };
}
