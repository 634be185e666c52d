"use strict";

const { loadConfig } = require("./config");

function describe(env) {
  const { host, port } = loadConfig(env);
  return `listening on ${host}:${port}`;
}

module.exports = { describe };
