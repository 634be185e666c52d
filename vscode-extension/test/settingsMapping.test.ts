import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { didChangeConfigurationParams, toServerSettings } from "../src/settingsMapping";

function check(userSettings: Record<string, unknown>, expected: Record<string, unknown>) {
  assert.deepEqual(toServerSettings((key) => userSettings[key]), expected);
}

describe("toServerSettings", () => {
  test("nothing set sends nothing, so the server's own layers apply", () => check({}, {}));

  test("flat keys become snake_case", () =>
    check(
      {
        provider: "openai",
        model: "gpt-4o-mini",
        baseUrl: "http://127.0.0.1:8080/v1",
        apiKeyEnv: "MY_KEY",
        temperature: 0.2,
        maxTokens: 2048,
        editFormat: "search-replace",
        confirmEdits: true,
        logLevel: "debug",
      },
      {
        provider: "openai",
        model: "gpt-4o-mini",
        base_url: "http://127.0.0.1:8080/v1",
        api_key_env: "MY_KEY",
        temperature: 0.2,
        max_tokens: 2048,
        edit_format: "search-replace",
        confirm_edits: true,
        log_level: "debug",
      },
    ));

  test("dotted keys become nested sections", () =>
    check(
      {
        "context.maxTokens": 8000,
        "context.maxFileBytes": 50000,
        "context.exclude": ["*.lock"],
        "agents.paths": ["~/agents"],
        "http.readTimeout": 30,
        "provenance.codeLens": false,
        "provenance.reviewHints": true,
        plansDir: "design/plans",
      },
      {
        context: { max_tokens: 8000, max_file_bytes: 50000, exclude: ["*.lock"] },
        agents: { paths: ["~/agents"] },
        http: { read_timeout: 30 },
        provenance: { code_lens: false, review_hints: true },
        plans_dir: "design/plans",
      },
    ));

  test("false and zero are sent; blank strings and null are not", () =>
    check(
      { confirmEdits: false, temperature: 0, model: "  ", baseUrl: null, provider: " ollama " },
      { confirm_edits: false, temperature: 0, provider: "ollama" },
    ));

  test("extension-only keys never reach the server", () =>
    check({ "server.path": "/x/agentls", "server.python": "python3", "server.maxRestarts": 2 }, {}));
});

test("workspace trust is sent only when VS Code says so", () => {
  const values: Record<string, unknown> = { model: "m1" };
  assert.deepEqual(toServerSettings((key) => values[key], true), { model: "m1", workspace_trusted: true });
  assert.deepEqual(toServerSettings((key) => values[key], false), { model: "m1" });
  assert.deepEqual(didChangeConfigurationParams((key) => values[key], true), {
    settings: { agentls: { model: "m1", workspace_trusted: true } },
  });
});

test("didChangeConfiguration carries the section under settings.agentls", () => {
  const values: Record<string, unknown> = { model: "m1", "context.maxTokens": 100 };
  assert.deepEqual(didChangeConfigurationParams((key) => values[key]), {
    settings: { agentls: { model: "m1", context: { max_tokens: 100 } } },
  });
});
