import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { keyTargets, secretName, serverEnv } from "../src/apiKeys";
import { RestartPolicy } from "../src/restartPolicy";
import { RunTracker } from "../src/runTracker";
import { statusText } from "../src/statusText";

describe("RestartPolicy", () => {
  test("allows maxRestarts crashes inside the window, then refuses", () => {
    let now = 0;
    const policy = new RestartPolicy(2, 1000, () => now);
    const answers = [0, 10, 20].map((t) => {
      now = t;
      return policy.shouldRestart();
    });
    assert.deepEqual(answers, [true, true, false]);
  });

  test("crashes older than the window are forgotten", () => {
    let now = 0;
    const policy = new RestartPolicy(1, 1000, () => now);
    assert.equal(policy.shouldRestart(), true);
    now = 5000;
    assert.equal(policy.shouldRestart(), true);
  });

  test("zero restarts means never", () => assert.equal(new RestartPolicy(0).shouldRestart(), false));
});

describe("api keys", () => {
  test("standard targets, plus apiKeyEnv when it is a valid new name", () => {
    assert.deepEqual(keyTargets(undefined).map((t) => t.envVar), ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"]);
    assert.deepEqual(keyTargets("GROQ_KEY").map((t) => t.envVar), ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GROQ_KEY"]);
    assert.equal(keyTargets("OPENAI_API_KEY").length, 2);
    assert.equal(keyTargets("not a name").length, 2);
  });

  test("secret names are per variable", () => assert.equal(secretName("OPENAI_API_KEY"), "agentls.apiKey.OPENAI_API_KEY"));

  test("stored keys are added to the environment and win over it", () => {
    const env = serverEnv({ PATH: "/bin", OPENAI_API_KEY: "old", UNSET: undefined }, { OPENAI_API_KEY: "new", ANTHROPIC_API_KEY: undefined });
    assert.deepEqual(env, { PATH: "/bin", OPENAI_API_KEY: "new" });
  });
});

describe("statusText", () => {
  const base = { env: {}, running: 0, state: "running" as const };
  const cases: Array<[string, Parameters<typeof statusText>[0], string]> = [
    ["idle shows provider and model", { ...base, provider: "openai", model: "gpt-4o" }, "$(hubot) agentls: openai · gpt-4o"],
    ["unset shows auto", base, "$(hubot) agentls: auto · default model"],
    ["env wins over settings", { ...base, provider: "openai", env: { AGENTLS_PROVIDER: "ollama", AGENTLS_MODEL: "qwen" } }, "$(hubot) agentls: ollama · qwen"],
    ["spins while running", { ...base, provider: "anthropic", model: "claude", running: 2 }, "$(sync~spin) agentls: anthropic · claude"],
    ["failed", { ...base, state: "failed" }, "$(error) agentls"],
  ];
  for (const [name, input, expected] of cases) test(name, () => assert.equal(statusText(input).text, expected));

  test("tooltip counts runs", () => assert.match(statusText({ ...base, running: 2 }).tooltip, /2 runs in flight/));
});

describe("RunTracker", () => {
  test("counts in-flight work and reports each change, also on failure", async () => {
    const seen: number[] = [];
    const tracker = new RunTracker((n) => seen.push(n));
    let release!: () => void;
    const first = tracker.track(() => new Promise<void>((resolve) => (release = resolve)));
    const second = tracker.track(async () => {
      throw new Error("boom");
    });
    await assert.rejects(second, /boom/);
    assert.equal(tracker.running, 1);
    release();
    await first;
    assert.deepEqual(seen, [1, 2, 1, 0]);
  });
});
