import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { PGlite, PGliteOptions } from "@electric-sql/pglite";
import { installedVersion, PACKAGE_ROOT } from "../package-root.js";

/**
 * An empty cluster made once, at build time (`npm run build`), for the embedded store's first
 * open in a fresh home: PGlite's initdb takes 4-6 s and peaks near 900 MiB, unpacking this
 * takes about 1 s and 330 MiB. Named by PGlite's version, so a cluster is only ever unpacked
 * by the PGlite that made it.
 */
const FRESH_CLUSTERS = join(PACKAGE_ROOT, "dist", "store");

function freshClusterPath(): string {
  return join(
    FRESH_CLUSTERS,
    `fresh-cluster-pglite-${installedVersion("@electric-sql/pglite")}.tar.gz`,
  );
}

/**
 * What PGlite needs to open `dataDir` at once: the build's fresh cluster when the folder holds
 * none yet. A checkout that was never built (no dist/) runs initdb, as PGlite does by itself.
 */
export function firstOpenOptions(dataDir: string): Pick<PGliteOptions, "loadDataDir"> {
  if (existsSync(join(dataDir, "PG_VERSION"))) return {};
  const cluster = freshClusterPath();
  return existsSync(cluster) ? { loadDataDir: new Blob([readFileSync(cluster)]) } : {};
}

/** Makes the fresh cluster of this PGlite version (the build's step), dropping older ones. */
export async function makeFreshCluster(create: () => Promise<PGlite>): Promise<string> {
  const cluster = freshClusterPath();
  if (existsSync(cluster)) return cluster;
  mkdirSync(FRESH_CLUSTERS, { recursive: true });
  for (const old of readdirSync(FRESH_CLUSTERS)) rmSync(join(FRESH_CLUSTERS, old), { force: true });
  const db = await create();
  const dump = await db.dumpDataDir("gzip");
  await db.close();
  writeFileSync(cluster, Buffer.from(await dump.arrayBuffer()));
  return cluster;
}
