"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { createItem } = require("./handler");

test("a valid body creates the item with the next id", () => {
  assert.deepEqual(createItem('{"name": "pen"}', () => 7), {
    status: 201,
    json: { id: 7, name: "pen" },
  });
});

test("a body that is not valid JSON gives 400", () => {
  assert.deepEqual(createItem("{name: pen", () => 1), {
    status: 400,
    json: { error: "invalid json" },
  });
});

test("a missing or empty name gives 422", () => {
  const expected = { status: 422, json: { error: "name is required" } };
  assert.deepEqual(createItem("{}", () => 1), expected);
  assert.deepEqual(createItem('{"name": ""}', () => 1), expected);
});
