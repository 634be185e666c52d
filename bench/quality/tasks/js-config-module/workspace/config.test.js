"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { loadConfig } = require("./config");

test("an empty env gives the default port and host", () => {
  assert.deepEqual(loadConfig({}), { port: 8080, host: "127.0.0.1" });
});

test("PORT and HOST are read from env, port as a number", () => {
  assert.deepEqual(loadConfig({ PORT: "3000", HOST: "0.0.0.0" }), {
    port: 3000,
    host: "0.0.0.0",
  });
});

test("a PORT that is not an integer from 1 to 65535 throws", () => {
  assert.throws(() => loadConfig({ PORT: "abc" }), Error);
  assert.throws(() => loadConfig({ PORT: "0" }), Error);
  assert.throws(() => loadConfig({ PORT: "65536" }), Error);
});
