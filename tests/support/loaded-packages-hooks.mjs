import { appendFileSync } from "node:fs";

/** Every module loaded (not merely resolved: `import.meta.resolve` loads nothing). */
export async function load(url, context, nextLoad) {
  if (process.env.LOADED_MODULES_LOG) appendFileSync(process.env.LOADED_MODULES_LOG, `${url}\n`);
  return nextLoad(url, context);
}
