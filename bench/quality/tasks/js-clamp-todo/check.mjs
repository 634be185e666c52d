import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(`${process.cwd()}/`);
const { clamp } = require("./numbers.js");

assert.equal(clamp(5, 0, 10), 5);
assert.equal(clamp(-3, 0, 10), 0);
assert.equal(clamp(42, 0, 10), 10);
assert.equal(clamp(10, 0, 10), 10);
