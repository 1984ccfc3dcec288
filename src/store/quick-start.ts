import { setFlagsFromString } from "node:v8";

/**
 * For a process that opens the embedded store and is done within seconds (every command but
 * `serve` and `worker`): V8 compiles PGlite's WebAssembly with its baseline compiler only.
 *
 * By default V8 also optimizes the database's hot functions on background threads as the store
 * starts, and the process then waits on them for 200-350 ms before it can answer a connection
 * (seen with strace: the main thread blocked on a futex while the compiler threads wrote code).
 * Measured on `plandraft list`: 1.36-1.40 s and 224 MB without, 1.01-1.08 s and 143 MB with; a
 * no-model draft 3.3-3.4 s against 2.5-2.9 s (bench/README.md). A server keeps the default,
 * which pays off over months of queries.
 *
 * V8 reads the flag when it compiles a module, so this must run before PGlite is loaded; with
 * DATABASE_URL no WebAssembly is compiled and it changes nothing.
 */
export function startEmbeddedStoreQuickly(): void {
  setFlagsFromString("--liftoff-only");
}
