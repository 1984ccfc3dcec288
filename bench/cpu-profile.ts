/** Where a `node --cpu-prof` profile spent its time: self time by function and by package. */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  functions: { name: string; ms: number }[];
  packages: { name: string; ms: number }[];
}

/** The package (or our own folder) a script belongs to, from its URL. */
function packageOf(url: string): string {
  if (url === "") return "(native / V8)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] ?? url;
  if (url.startsWith("node:")) return "node: internals";
  const own = /\/(src|graphs|bench|tests)\/([^/]+)/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

export function summarizeProfile(path: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    totalMs += ms;
    const file = frame.url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "");
    const name = `${frame.functionName || "(anonymous)"} ${file ? `${file}:${frame.lineNumber + 1}` : ""}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    const owner = packageOf(frame.url);
    pkg.set(owner, (pkg.get(owner) ?? 0) + ms);
  });
  const ranked = (map: Map<string, number>) =>
    [...map]
      .map(([name, ms]) => ({ name, ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return { totalMs, functions: ranked(fn), packages: ranked(pkg) };
}
