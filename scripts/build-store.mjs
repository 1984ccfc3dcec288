// Makes the embedded store's empty cluster once, at build time, so that a user's first command
// in a fresh home does not pay PGlite's initdb (see dist/src/store/fresh-cluster.js). Runs after
// tsc; a build with a cluster of this PGlite version already made keeps it.
import { PGlite } from "@electric-sql/pglite";
import { makeFreshCluster } from "../dist/src/store/fresh-cluster.js";

await makeFreshCluster(() => PGlite.create());
