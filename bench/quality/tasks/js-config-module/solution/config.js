"use strict";

function loadConfig(env) {
  const port = env.PORT === undefined ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`bad PORT: ${env.PORT}`);
  }
  return { port, host: env.HOST || "127.0.0.1" };
}

module.exports = { loadConfig };
