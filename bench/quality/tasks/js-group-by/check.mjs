import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(`${process.cwd()}/`);
const { sum, groupBy } = require("./collections.js");

assert.equal(sum([1, 2, 3]), 6);
const a = { team: "red", n: 1 };
const b = { team: "blue", n: 2 };
const c = { team: "red", n: 3 };
const d = { n: 4 };
assert.deepEqual(groupBy([a, b, c, d], "team"), { red: [a, c], blue: [b] });
assert.deepEqual(groupBy([], "team"), {});
