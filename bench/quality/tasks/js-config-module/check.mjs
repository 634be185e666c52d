import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(`${process.cwd()}/`);
const { loadConfig } = require("./config.js");
const { describe } = require("./server.js");

assert.deepEqual(loadConfig({}), { port: 8080, host: "127.0.0.1" });
assert.deepEqual(loadConfig({ PORT: "3000", HOST: "0.0.0.0" }), { port: 3000, host: "0.0.0.0" });
assert.throws(() => loadConfig({ PORT: "http" }));
assert.throws(() => loadConfig({ PORT: "70000" }));
assert.equal(describe({ PORT: "81" }), "listening on 127.0.0.1:81");
