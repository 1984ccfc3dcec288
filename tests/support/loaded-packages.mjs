// Preloaded with `node --import` by a test: records the URL of every module the ESM loader
// loads into the file named by LOADED_MODULES_LOG, so a test can say which packages a
// command loaded. (Hooks run on their own thread in Node 20; they write, the test reads.)
// It also records `node:fetch` the first time the process touches the fetch API: Node then
// loads its own HTTP client (undici), which no loader hook sees.
import { appendFileSync } from "node:fs";
import { register } from "node:module";

register("./loaded-packages-hooks.mjs", import.meta.url);

const fetchTouched = () => {
  if (process.env.LOADED_MODULES_LOG)
    appendFileSync(process.env.LOADED_MODULES_LOG, "node:fetch\n");
};
for (const name of ["Response", "Request", "Headers", "FormData"]) {
  const lazy = Object.getOwnPropertyDescriptor(globalThis, name);
  if (!lazy?.get) throw new Error(`globalThis.${name} is not loaded lazily in this Node`);
  Object.defineProperty(globalThis, name, {
    ...lazy,
    get() {
      fetchTouched();
      return lazy.get.call(this);
    },
  });
}
const { fetch } = globalThis;
globalThis.fetch = (...args) => {
  fetchTouched();
  return fetch(...args);
};
