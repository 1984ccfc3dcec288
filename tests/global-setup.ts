import { execFileSync } from "node:child_process";

/** The CLI tests run the real bin, which runs the compiled code: compile it first. */
export default function setup(): void {
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
