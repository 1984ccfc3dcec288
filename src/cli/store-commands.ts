import type { Config } from "../config.js";
import { findDraft, listDrafts, removeDraft } from "../drafting/draft-service.js";
import { AppError } from "../errors.js";
import { draftSummary } from "../store/draft-store.js";
import { withDeps } from "./draft-command.js";
import { writeFileAtomic } from "./io.js";
import { EXIT } from "../error-codes.js";
import type { CliIo } from "./cli-io.js";
import { checkOutputTarget } from "./output-target.js";

export async function listCommand(
  config: Config,
  options: { json?: boolean; limit: number },
  io: CliIo,
): Promise<number> {
  const drafts = await withDeps(config, {}, (deps) => listDrafts(deps, options.limit));
  return writeDraftList(io, drafts.map(draftSummary), options);
}

/** A draft as `list` and `show` print it: the API's summary, without its links. */
export type DraftSummary = ReturnType<typeof draftSummary>;

/** The list as a table (or JSON): the same for drafts kept here and on a server. */
export function writeDraftList(
  io: CliIo,
  drafts: DraftSummary[],
  options: { json?: boolean | undefined },
): number {
  if (options.json) {
    io.stdout.write(`${JSON.stringify(drafts, null, 2)}\n`);
    return EXIT.ok;
  }
  if (drafts.length === 0) {
    io.stderr.write("plandraft: no drafts yet (start one with `plandraft draft FEATURE.md`)\n");
    return EXIT.ok;
  }
  const rows = drafts.map((d) => [
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

export async function showCommand(
  config: Config,
  id: string,
  options: { version?: number; output?: string; json?: boolean },
  io: CliIo,
): Promise<number> {
  if (options.output) await checkOutputTarget(options.output);
  return withDeps(config, {}, async (deps) => {
    const draft = await findDraft(deps, id);
    const version = await deps.drafts.version(draft.id, options.version);
    return writeShown(io, draftSummary(draft), version, options);
  });
}

/** One version of a draft's plan (or the draft and that version as JSON), for `show`. */
export async function writeShown(
  io: CliIo,
  draft: DraftSummary,
  version: { version: number; markdown: string } | undefined,
  options: {
    version?: number | undefined;
    output?: string | undefined;
    json?: boolean | undefined;
  },
): Promise<number> {
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ ...draft, version: version ?? null }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (!version) throw noVersion(draft, options.version);
  if (options.output) await writeFileAtomic(options.output, version.markdown);
  else io.stdout.write(version.markdown);
  io.stderr.write(
    `plandraft: ${draft.id} version ${version.version} of ${draft.versions} (${draft.status})\n`,
  );
  return EXIT.ok;
}

export async function removeCommand(config: Config, id: string, io: CliIo): Promise<number> {
  return withDeps(config, {}, async (deps) => {
    const draft = await removeDraft(deps, id);
    return writeRemoved(io, draft.id);
  });
}

export function writeRemoved(io: CliIo, id: string): number {
  io.stderr.write(`plandraft: removed draft ${id} and its checkpoints\n`);
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
