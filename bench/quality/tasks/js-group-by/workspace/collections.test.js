"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { groupBy } = require("./collections");

test("items are grouped by the value of their key, in input order", () => {
  const a1 = { type: "fruit", name: "apple" };
  const b1 = { type: "veg", name: "leek" };
  const a2 = { type: "fruit", name: "pear" };
  assert.deepEqual({ ...groupBy([a1, b1, a2], "type") }, { fruit: [a1, a2], veg: [b1] });
});

test("items without the key are left out", () => {
  const kept = { type: "fruit", name: "fig" };
  assert.deepEqual({ ...groupBy([kept, { name: "mystery" }], "type") }, { fruit: [kept] });
});
