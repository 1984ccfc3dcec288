import { randomUUID } from "node:crypto";
import { readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { isAlive } from "./pid-lock.js";

/** Where a CLI command that claimed a draft ran: enough for another command to see it died. */
export interface CliOwner {
  host: string;
  /**
   * The pid namespace (Linux), or "-": two containers can share a host name (host networking)
   * while each has its own pids, and a pid of one is no evidence about the other.
   */
  pidSpace: string;
  pid: number;
}

const CLI_OWNER = /^cli:(.+):(\d+|-):(\d+):([0-9a-f]{8})$/;

/**
 * The owner a CLI command claims drafts as: `cli:<host>:<pid space>:<pid>:<run>`. The run part
 * makes each command a new owner, even in one process, so two commands never share a lease.
 */
export function cliOwner(): string {
  return `cli:${hostname()}:${pidSpace()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * The owner a queue worker claims drafts as: each worker process its own, so the draft's lease
 * tells one worker from another (the fence), even two of one server id.
 */
export function workerOwner(): string {
  return `worker:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** The CLI process behind an owner string; undefined for a server (`server:<id>`) or older ones. */
export function parseCliOwner(owner: string): CliOwner | undefined {
  const match = CLI_OWNER.exec(owner);
  if (!match) return undefined;
  return { host: match[1]!, pidSpace: match[2]!, pid: Number(match[3]) };
}

/**
 * True only when `owner` was a CLI process on this host, in this pid namespace, that is gone.
 * A pid reused by another process since reads as alive: the draft then waits for its lease, the
 * safe side of the mistake. A process elsewhere cannot be checked, so it is never called dead.
 */
export function diedOnThisHost(owner: string): boolean {
  const cli = parseCliOwner(owner);
  return (
    cli !== undefined && cli.host === hostname() && cli.pidSpace === pidSpace() && !isAlive(cli.pid)
  );
}

/** An owner in a user's words, for messages: which process, on which host. */
export function describeOwner(owner: string): string {
  const cli = parseCliOwner(owner);
  if (cli) return `plandraft process ${cli.pid} on ${cli.host} (${owner})`;
  if (owner.startsWith("server:")) return `the server ${owner.slice("server:".length)}`;
  if (owner.startsWith("worker:")) return `the worker ${owner.slice("worker:".length)}`;
  return owner;
}

let ownPidSpace: string | undefined;

function pidSpace(): string {
  if (ownPidSpace === undefined) {
    try {
      ownPidSpace = /\d+/.exec(readlinkSync("/proc/self/ns/pid"))?.[0] ?? "-";
    } catch {
      ownPidSpace = "-"; // not Linux: one pid space per host
    }
  }
  return ownPidSpace;
}
