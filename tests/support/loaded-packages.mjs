// Preloaded with `node --import` by a test: records the URL of every module the ESM loader
// loads into the file named by LOADED_MODULES_LOG, so a test can say which packages a
// command loaded. (Hooks run on their own thread in Node 20; they write, the test reads.)
import { register } from "node:module";

register("./loaded-packages-hooks.mjs", import.meta.url);
