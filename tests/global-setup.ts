import { execFileSync } from "node:child_process";

/**
 * The CLI tests run the real bin, which runs the compiled code, and the page tests load the
 * built page, and a fresh home's store opens from the build's cluster: build all three first, as
 * `npm run build` does.
 */
export default function setup(): void {
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/build-web.mjs"], { stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/build-store.mjs"], { stdio: "inherit" });
}
