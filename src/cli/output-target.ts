import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { access, lstat, open, readlink, rm, stat } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { AppError } from "../errors.js";
import { reasonOf } from "./io.js";

/**
 * Checks where `-o` will put the plan, whole, before the store opens or a model is called: a plan
 * that cannot be written at the end is a draft paid for and lost. The plan is written beside the
 * target and renamed over it (`writeFileAtomic`), so the target must be a regular file or
 * nothing yet, in a folder where a new file can be created.
 */
export async function checkOutputTarget(output: string): Promise<void> {
  const refuse = (problem: string, fix: string, cause?: unknown) =>
    new AppError("OUTPUT_WRITE_FAILED", `cannot write the plan to ${output}: ${problem}`, {
      hint: fix,
      cause,
    });
  const path = resolve(output);
  const folder = dirname(path);
  if (output.endsWith("/") || output.endsWith(sep)) {
    throw refuse("it names a folder", `give a file path, such as ${join(path, "plan.md")}`);
  }
  const found = await lstat(path).catch((error: NodeJS.ErrnoException) => error);
  if (found instanceof Error) {
    if (found.code === "ENOTDIR") {
      const file = await fileInPath(folder);
      throw refuse(
        `${file} is a file, not a folder`,
        "choose a path in a folder that exists",
        found,
      );
    }
    if (found.code !== "ENOENT") throw refuse(reasonOf(found), "choose another path", found);
  } else if (found.isDirectory()) {
    throw refuse(
      "it is a folder",
      `give a file path inside it, such as ${join(output, "plan.md")}`,
    );
  } else if (found.isSymbolicLink()) {
    // Renaming over a link replaces the link, not the file it points to: a surprise either way,
    // and a link planted in a shared folder must not steer where a plan lands.
    const target = await readlink(path).catch(() => "another file");
    throw refuse(
      `it is a symbolic link to ${target}`,
      "give the path of the file itself, or another path",
    );
  } else if (!found.isFile()) {
    // A device or a pipe would be replaced by a regular file, not written to.
    throw refuse(
      "it is not a regular file (a device, pipe or socket)",
      "give a file path; to pipe the plan, leave out -o and use stdout",
    );
  } else if (!(await writable(path))) {
    throw refuse(
      "the file is read-only",
      `make it writable (chmod u+w ${output}) or choose another path`,
    );
  }
  await checkFolder(folder, refuse);
}

type Refuse = (problem: string, fix: string, cause?: unknown) => AppError;

/**
 * The folder exists and a new file can be created in it. Only creating one tells: `access()`
 * says yes to root everywhere, also where the file system then refuses (such as /sys).
 */
async function checkFolder(folder: string, refuse: Refuse): Promise<void> {
  const found = await stat(folder).catch((error: NodeJS.ErrnoException) => error);
  if (found instanceof Error) {
    if (found.code === "ENOENT") {
      throw refuse(
        `the folder ${folder} does not exist`,
        `create it first with mkdir -p ${folder}, or choose another path`,
        found,
      );
    }
    throw refuse(
      `the folder ${folder} cannot be used: ${reasonOf(found)}`,
      "choose another path",
      found,
    );
  }
  const probe = join(folder, `.plandraft-${randomUUID()}.tmp`);
  try {
    await (await open(probe, "wx")).close();
  } catch (error) {
    throw refuse(
      `no file can be created in the folder ${folder} (${reasonOf(error as NodeJS.ErrnoException)})`,
      "choose a folder you can write to",
      error,
    );
  }
  await rm(probe, { force: true });
}

/** The nearest part of `folder` that exists; for a path that goes through a file, that file. */
async function fileInPath(folder: string): Promise<string> {
  let part = folder;
  while (dirname(part) !== part) {
    const found = await stat(part).catch(() => undefined);
    if (found) return part;
    part = dirname(part);
  }
  return part;
}

async function writable(path: string): Promise<boolean> {
  return access(path, constants.W_OK).then(
    () => true,
    () => false,
  );
}
