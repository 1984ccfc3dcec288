import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = new URL("../../", import.meta.url).pathname;

/** `docker compose` when the plugin is there, else the standalone `docker-compose`. */
function composeCommand(): string[] | undefined {
  if (spawnSync("docker", ["compose", "version"]).status === 0) return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"]).status === 0) return ["docker-compose"];
  return undefined;
}

const compose = composeCommand();

describe("the Docker files", () => {
  it("copy only files that exist in the repository", () => {
    const dockerfile = readFileSync(`${ROOT}Dockerfile`, "utf8");
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      (m[1] ?? "").split(/\s+/),
    );
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) expect(existsSync(`${ROOT}${source}`), source).toBe(true);
    expect(dockerfile).toMatch(/CMD \["serve"\]/);
  });

  it.skipIf(!compose)(
    `pass \`compose config\`${compose ? "" : " (skipped: no docker compose client here)"}`,
    () => {
      const [command, ...args] = compose!;
      const run = spawnSync(command!, [...args, "--profile", "ollama", "config"], {
        cwd: ROOT,
        encoding: "utf8",
      });
      expect(run.status, run.stderr).toBe(0);
      const config = run.stdout;
      expect(config).toMatch(/postgres:\n(.*\n)*?\s+healthcheck:/);
      expect(config).toMatch(/pgdata:\/var\/lib\/postgresql\/data/);
      expect(config).toMatch(/condition: service_healthy/);
      expect(config).toMatch(
        /DATABASE_URL: postgres:\/\/plandraft:plandraft@postgres:5432\/plandraft/,
      );
      expect(config).toMatch(/ollama:\n(.*\n)*?\s+profiles:\n\s+- ollama/);
      // The server listens on 0.0.0.0 in its container: no token only because the port is
      // published on the host's loopback alone.
      expect(config).toMatch(/PLANDRAFT_ALLOW_NO_TOKEN: '1'|PLANDRAFT_ALLOW_NO_TOKEN: "1"/);
      expect(config).toMatch(/127\.0\.0\.1:8080:8080|host_ip: 127\.0\.0\.1/);
    },
  );

  it.skipIf(!compose)(
    `run two API nodes and two workers on one Postgres with the cluster profile${compose ? "" : " (skipped: no docker compose client here)"}`,
    () => {
      const [command, ...args] = compose!;
      const run = spawnSync(command!, [...args, "--profile", "cluster", "config"], {
        cwd: ROOT,
        encoding: "utf8",
      });
      expect(run.status, run.stderr).toBe(0);
      const { services } = parse(run.stdout) as {
        services: Record<
          string,
          {
            command?: string[];
            environment?: Record<string, string>;
            ports?: (string | { host_ip?: string })[];
            healthcheck?: { disable?: boolean; test?: string[] };
          }
        >;
      };
      const url = "postgres://plandraft:plandraft@postgres:5432/plandraft";
      for (const name of ["api-a", "api-b"]) {
        expect(services[name]?.command).toEqual(["serve", "--role", "api"]);
        expect(services[name]?.environment?.DATABASE_URL).toBe(url);
        const port = services[name]?.ports?.[0];
        expect(typeof port === "string" ? port : port?.host_ip).toMatch(/^127\.0\.0\.1/);
      }
      for (const name of ["worker-a", "worker-b"]) {
        expect(services[name]?.command).toEqual(["worker"]);
        expect(services[name]?.environment?.DATABASE_URL).toBe(url);
        expect(services[name]?.ports).toBeUndefined();
        // No HTTP in a worker: its health check is off (compose v1 writes that as test NONE).
        const check = services[name]?.healthcheck;
        expect(check?.disable === true || check?.test?.[0] === "NONE").toBe(true);
      }
    },
  );
});
