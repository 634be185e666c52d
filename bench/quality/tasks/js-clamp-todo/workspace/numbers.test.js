"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { clamp } = require("./numbers");

test("a value inside the range is returned unchanged", () => {
  assert.equal(clamp(5, 0, 10), 5);
});

test("a value below min becomes min", () => {
  assert.equal(clamp(-3, 0, 10), 0);
});

test("a value above max becomes max", () => {
  assert.equal(clamp(42, 0, 10), 10);
});
