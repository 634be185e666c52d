import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(`${process.cwd()}/`);
const { createItem } = require("./handler.js");

let n = 0;
const nextId = () => ++n;
assert.deepEqual(createItem('{"name": "lamp"}', nextId), { status: 201, json: { id: 1, name: "lamp" } });
assert.deepEqual(createItem("{oops", nextId), { status: 400, json: { error: "invalid json" } });
assert.deepEqual(createItem('{"name": ""}', nextId), { status: 422, json: { error: "name is required" } });
assert.deepEqual(createItem("null", nextId), { status: 422, json: { error: "name is required" } });
assert.deepEqual(createItem('{"name": 3}', nextId), { status: 422, json: { error: "name is required" } });
assert.equal(n, 1);
