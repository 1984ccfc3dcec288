/** What /proc says about a process and its children: peak memory and CPU time (Linux only). */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times: 100 on Linux everywhere we run. */
const TICKS_PER_S = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** The process and all its descendants still alive. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = Number(statFields(Number(name))?.[1]);
    if (!Number.isFinite(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** Peak resident set size (VmHWM) in bytes, 0 when the process is gone. */
export function peakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? "");
  return match ? Number(match[1]) * 1024 : 0;
}

/** User + system CPU seconds the process has used so far (not its children's). */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

export interface TreeUsage {
  /** Peak RSS of the process with the largest one: the server itself. */
  mainPeakRss: number;
  /** Peak RSS of every process in the tree, added up (each at its own peak: an upper bound). */
  treePeakRss: number;
  /** CPU seconds of each process in the tree so far, by pid. */
  cpu: Map<number, number>;
}

export function treeUsage(root: number): TreeUsage {
  const pids = processTree(root);
  const peaks = pids.map(peakRss);
  return {
    mainPeakRss: Math.max(0, ...peaks),
    treePeakRss: peaks.reduce((a, b) => a + b, 0),
    cpu: new Map(pids.map((pid) => [pid, cpuSeconds(pid)])),
  };
}

/** CPU seconds the tree used between two readings (processes that started meanwhile: all). */
export function cpuBetween(before: TreeUsage, after: TreeUsage): number {
  let total = 0;
  for (const [pid, seconds] of after.cpu) total += seconds - (before.cpu.get(pid) ?? 0);
  return total;
}

/** The processes whose command name is `name` (as /proc/<pid>/comm has it). */
export function processesNamed(name: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && read(`/proc/${entry}/comm`)?.trim() === name)
    .map(Number);
}
