import type { Drafts, DraftSummary, ShownDraft } from "../drafting/drafts.js";
import { AppError } from "../errors.js";
import { writeFileAtomic } from "./io.js";
import { EXIT } from "../error-codes.js";
import type { CliIo } from "./cli-io.js";
import { checkOutputTarget } from "./output-target.js";

/** `plandraft list`: a table of drafts (or JSON). */
export async function listCommand(
  drafts: Drafts,
  options: { json?: boolean; limit: number },
  io: CliIo,
): Promise<number> {
  const listed = await drafts.list(options.limit);
  if (options.json) {
    io.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
    return EXIT.ok;
  }
  if (listed.length === 0) {
    io.stderr.write("plandraft: no drafts yet (start one with `plandraft draft FEATURE.md`)\n");
    return EXIT.ok;
  }
  const rows = listed.map((d) => [
    d.id.slice(0, 8),
    d.status,
    String(d.versions),
    d.model,
    when(d.createdAt),
    when(d.updatedAt),
    d.title,
  ]);
  io.stdout.write(
    table(["ID", "STATUS", "VERSIONS", "MODEL", "CREATED", "UPDATED", "TITLE"], rows),
  );
  return EXIT.ok;
}

/** `plandraft show ID`: one version of a draft's plan (or the draft and that version as JSON). */
export async function showCommand(
  drafts: Drafts,
  id: string,
  options: { version?: number; output?: string; json?: boolean },
  io: CliIo,
): Promise<number> {
  if (options.output) await checkOutputTarget(options.output);
  return writeShown(io, await drafts.get(id, options.version), options);
}

async function writeShown(
  io: CliIo,
  { draft, plan }: ShownDraft,
  options: { version?: number; output?: string; json?: boolean },
): Promise<number> {
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ ...draft, version: plan ?? null }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (!plan) throw noVersion(draft, options.version);
  if (options.output) await writeFileAtomic(options.output, plan.markdown);
  else io.stdout.write(plan.markdown);
  io.stderr.write(
    `plandraft: ${draft.id} version ${plan.version} of ${draft.versions} (${draft.status})\n`,
  );
  return EXIT.ok;
}

/** `plandraft cancel ID`: resolves once the draft has stopped, wherever it ran. */
export async function cancelCommand(drafts: Drafts, id: string, io: CliIo): Promise<number> {
  const cancelled = await drafts.cancel(id);
  io.stderr.write(`plandraft: cancelled draft ${cancelled}\n`);
  return EXIT.ok;
}

/** `plandraft rm ID`. */
export async function removeCommand(drafts: Drafts, id: string, io: CliIo): Promise<number> {
  const removed = await drafts.remove(id);
  io.stderr.write(`plandraft: removed draft ${removed} and its checkpoints\n`);
  return EXIT.ok;
}

function noVersion(draft: DraftSummary, version: number | undefined): AppError {
  if (version !== undefined) {
    return new AppError(
      "VERSION_NOT_FOUND",
      `draft ${draft.id} has no version ${version} (it has ${draft.versions})`,
      {
        hint: "list its versions with `plandraft show ID --json`",
      },
    );
  }
  return new AppError(
    "VERSION_NOT_FOUND",
    `draft ${draft.id} has no plan yet (it is ${draft.status})`,
    {
      hint:
        draft.status === "interrupted"
          ? `finish it with \`plandraft resume ${draft.id}\``
          : "wait for it to finish",
    },
  );
}

/** "2025-11-27T09:14:03.120Z" -> "2025-11-27 09:14" */
function when(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}

/** Rows under a header, each column as wide as its widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ");
  return `${[header, ...rows].map(line).join("\n")}\n`;
}
