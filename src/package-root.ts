import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder holding package.json, found from this file whether it runs from src/ or dist/. */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("plandraft: cannot find its package.json");
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot();
export const DEFAULT_TEMPLATE_PATH = join(PACKAGE_ROOT, "templates", "implementation-plan.md");
export const PROMPTS_DIR = join(PACKAGE_ROOT, "prompts");

/**
 * The version of an installed package. Read from its package.json, found by walking up from its
 * entry: packages that list exports seldom export their package.json.
 */
export function installedVersion(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const { name: found, version } = JSON.parse(readFileSync(manifest, "utf8")) as {
        name?: string;
        version?: string;
      };
      if (found === name && version) return version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`plandraft: cannot find the package.json of ${name}`);
    dir = parent;
  }
}
