// Builds the web page from web/ into dist/web: one bundle (mermaid split off and loaded only
// when a plan has a diagram), content-hashed file names cached for a year, and an index.html
// that names them. `npm run build` runs it after tsc.
import { readFile, rm, writeFile, copyFile, mkdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "web");
await rm(out, { recursive: true, force: true });
await mkdir(join(out, "assets"), { recursive: true });

const result = await build({
  entryPoints: { app: join(root, "web", "src", "main.ts"), style: join(root, "web", "style.css") },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  outdir: join(out, "assets"),
  entryNames: "[name]-[hash]",
  chunkNames: "chunk-[hash]",
  metafile: true,
  logLevel: "warning",
  legalComments: "linked",
});

/** The output file built from an entry point, by its entry name. */
const outputOf = (entry) => {
  const [file] = Object.entries(result.metafile.outputs).find(
    ([path, meta]) =>
      meta.entryPoint && basename(path).startsWith(`${entry}-`) && !path.endsWith(".map"),
  );
  return `/assets/${basename(file)}`;
};
const page = (await readFile(join(root, "web", "index.html"), "utf8"))
  .replace("%APP_JS%", outputOf("app"))
  .replace("%APP_CSS%", outputOf("style"));
await writeFile(join(out, "index.html"), page);
await copyFile(join(root, "web", "favicon.svg"), join(out, "favicon.svg"));
