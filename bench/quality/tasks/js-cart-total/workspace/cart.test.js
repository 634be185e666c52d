"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { cartTotal } = require("./cart");

test("one line costs price times qty in cents", () => {
  assert.equal(cartTotal([{ sku: "apple", qty: 3 }]), 150);
});

test("several lines are summed", () => {
  const lines = [
    { sku: "bread", qty: 2 },
    { sku: "milk", qty: 1 },
  ];
  assert.equal(cartTotal(lines), 2 * 275 + 129);
});

test("a qty below 1 throws a RangeError", () => {
  assert.throws(() => cartTotal([{ sku: "apple", qty: 0 }]), RangeError);
});
