// Bundles the CLI from src/ into dist/cli (ESM, split per command, so each command still loads
// only what it needs). Node 20 spends most of a drafting command's start resolving and reading
// the ~1,200 module files of LangChain and LangGraph one by one: bundled, `plandraft draft`
// reaches its first model call about 0.5 s sooner (bench/README.md, "how soon a command
// answers"). `npm run build` runs it; `--watch` rebuilds on every change (`npm run dev`).
//
// Left out of the bundle, loaded from node_modules as before: packages that read files beside
// their own code or start worker threads (PGlite's WASM, the server's static and Swagger UI
// files, pino's transports, the PDF reader), and those whose size would only slow the start of
// the commands that do not use them (mermaid and its DOM).
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { context } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "cli");

const EXTERNAL = [
  "@electric-sql/*",
  "fastify",
  "@fastify/*",
  "pino",
  "pg-boss",
  "mermaid",
  "dompurify",
  "jsdom",
  "pdf-parse",
  "mammoth",
];

await rm(out, { recursive: true, force: true });
const build = await context({
  entryPoints: { main: join(root, "src", "cli", "main.ts") },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  absWorkingDir: root,
  outdir: out,
  chunkNames: "chunk-[hash]",
  packages: "bundle",
  external: EXTERNAL,
  sourcemap: true,
  // Which packages each chunk holds, for the test of what a command loads.
  metafile: true,
  plugins: [
    nodeOnlyPg(),
    {
      name: "metafile",
      setup: (build) =>
        build.onEnd(async ({ metafile }) => {
          if (metafile) await writeFile(join(out, "meta.json"), JSON.stringify(metafile));
        }),
    },
  ],
  logLevel: "warning",
  // CommonJS packages in the bundle still call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __plandraftRequire } from 'node:module'; const require = __plandraftRequire(import.meta.url);",
  },
});
/**
 * pg asks at its first import whether it runs in a Cloudflare Worker: on Node 20, which has no
 * `navigator`, by making a `Response`, which loads Node's whole fetch client (undici) for
 * nothing: 45 ms of every `plandraft list` and `show` (353 -> 305 ms with Postgres, medians of
 * 7). plandraft runs on Node only, so the bundle answers no. Fails the build when pg's probe
 * is not where it was, rather than bundling it unchanged.
 */
function nodeOnlyPg() {
  const probe = "function isCloudflareRuntime() {";
  return {
    name: "node-only-pg",
    setup: (build) =>
      build.onLoad(
        { filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ },
        async ({ path }) => {
          const source = await readFile(path, "utf8");
          if (!source.includes(probe)) throw new Error(`${path} no longer has ${probe}`);
          return { contents: source.replace(probe, `${probe} return false;`), loader: "js" };
        },
      ),
  };
}

if (process.argv.includes("--watch")) {
  await build.watch();
} else {
  await build.rebuild();
  await build.dispose();
}
