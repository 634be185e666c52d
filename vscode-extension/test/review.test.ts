import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ClientCapabilities } from "vscode-languageclient";
import {
  addInputBoxCapability,
  converse,
  inputNeeded,
  InputBoxFeature,
  needsInputIn,
  oneLine,
  PendingQuestions,
  questionIn,
  withInput,
  type InputRequest,
} from "../src/review";

/** A scripted user (answers in order; undefined = Escape) and server (results in order). */
function harness(answers: Array<string | undefined>, results: unknown[]) {
  const asked: InputRequest[] = [];
  const sent: Array<[string, unknown[]]> = [];
  const ask = async (request: InputRequest) => {
    asked.push(request);
    return answers.shift();
  };
  const send = async (command: string, args: unknown[]) => {
    sent.push([command, args]);
    return results.shift();
  };
  return { asked, sent, ask, send };
}

const REFINE = { runId: "r1", uri: "file:///w/app/main.py", regionId: "g1" };
const APPLIED = { status: "applied", runId: "r2" };
const question = (runId: string, text: string) => ({ status: "question", runId, question: text, agent: "backend-developer" });

describe("inputNeeded", () => {
  test("refine without an instruction asks for one; with one it does not", () => {
    const request = inputNeeded("agentls.refine", [REFINE]);
    assert.equal(request?.title, "agentls: Refine the agent's change");
    assert.equal(inputNeeded("agentls.refine", [{ ...REFINE, instruction: "make it async" }]), undefined);
    assert.equal(inputNeeded("agentls.refine", [{ ...REFINE, agent: "backend-developer" }])?.title,
      "agentls: Refine backend-developer's change");
  });

  test("a blank instruction counts as missing", () => {
    assert.ok(inputNeeded("agentls.refine", [{ ...REFINE, instruction: "  " }]));
  });

  test("reply without text asks, titled with the question when the argument has it", () => {
    assert.equal(inputNeeded("agentls.reply", [{ runId: "r1" }])?.title, "agentls: Reply to the agent");
    assert.equal(inputNeeded("agentls.reply", [{ runId: "r1", question: "Which database?" }])?.title, "Which database?");
    assert.equal(inputNeeded("agentls.reply", [{ runId: "r1", text: "Postgres" }]), undefined);
  });

  test("other commands and odd arguments never ask", () => {
    assert.equal(inputNeeded("agentls.runAgent", [{ agent: "backend-developer" }]), undefined);
    assert.equal(inputNeeded("agentls.refine", []), undefined);
    assert.equal(inputNeeded("agentls.refine", ["r1"]), undefined);
  });
});

describe("withInput", () => {
  test("puts the text in the command's field and keeps the rest", () => {
    assert.deepEqual(withInput("agentls.refine", [REFINE], "use SQLAlchemy"), [{ ...REFINE, instruction: "use SQLAlchemy" }]);
    assert.deepEqual(withInput("agentls.reply", [{ runId: "r1" }], "yes"), [{ runId: "r1", text: "yes" }]);
  });

  test("leaves the caller's arguments untouched", () => {
    const args = [{ ...REFINE }];
    withInput("agentls.refine", args, "x");
    assert.deepEqual(args, [REFINE]);
  });
});

describe("results", () => {
  test("questionIn reads a question result and nothing else", () => {
    assert.deepEqual(questionIn(question("r1", "Which port?")), { runId: "r1", question: "Which port?", agent: "backend-developer" });
    assert.equal(questionIn(APPLIED), undefined);
    assert.equal(questionIn({ status: "question", question: "no run id" }), undefined);
    assert.equal(questionIn(null), undefined);
    assert.equal(questionIn("question"), undefined);
  });

  test("needsInputIn reads the prompt", () => {
    assert.equal(needsInputIn({ status: "needsInput", prompt: "What should change?", runId: "r1" }), "What should change?");
    assert.equal(needsInputIn({ status: "needsInput" }), "The agent needs your input.");
    assert.equal(needsInputIn(APPLIED), undefined);
  });

  test("oneLine flattens and cuts", () => {
    assert.equal(oneLine("Which\n  database?"), "Which database?");
    assert.equal(oneLine("x".repeat(10), 5), "xxxx…");
  });
});

describe("converse", () => {
  test("refine without instruction asks, then sends it", async () => {
    const h = harness(["make it async"], [APPLIED]);
    const result = await converse("agentls.refine", [REFINE], h.ask, h.send);
    assert.deepEqual(result, APPLIED);
    assert.deepEqual(h.sent, [["agentls.refine", [{ ...REFINE, instruction: "make it async" }]]]);
  });

  test("Escape in the input box sends nothing", async () => {
    const h = harness([undefined], []);
    assert.equal(await converse("agentls.refine", [REFINE], h.ask, h.send), undefined);
    assert.deepEqual(h.sent, []);
  });

  test("an empty answer is the same as Escape", async () => {
    const h = harness(["   "], []);
    assert.equal(await converse("agentls.reply", [{ runId: "r1" }], h.ask, h.send), undefined);
    assert.deepEqual(h.sent, []);
  });

  test("a refine that carries its instruction is sent as is", async () => {
    const args = [{ ...REFINE, instruction: "use SQLAlchemy", commentLine: 4 }];
    const h = harness([], [APPLIED]);
    await converse("agentls.refine", args, h.ask, h.send);
    assert.deepEqual(h.asked, []);
    assert.deepEqual(h.sent, [["agentls.refine", args]]);
  });

  test("a question is answered with agentls.reply, again and again, until code arrives", async () => {
    const h = harness(["Postgres", "5432"], [question("r1", "Which database?"), question("r1", "Which port?"), APPLIED]);
    const result = await converse("agentls.runAgent", [{ agent: "backend-developer" }], h.ask, h.send);
    assert.deepEqual(result, APPLIED);
    assert.deepEqual(h.asked.map((a) => a.title), ["Which database?", "Which port?"]);
    assert.match(h.asked[0].prompt, /backend-developer/);
    assert.deepEqual(h.sent.slice(1), [
      ["agentls.reply", [{ runId: "r1", text: "Postgres" }]],
      ["agentls.reply", [{ runId: "r1", text: "5432" }]],
    ]);
  });

  test("Escape on a question stops and returns the question", async () => {
    const h = harness([undefined], [question("r1", "Which database?")]);
    const result = await converse("agentls.runAgent", [{}], h.ask, h.send);
    assert.deepEqual(result, question("r1", "Which database?"));
    assert.equal(h.sent.length, 1);
  });

  test("refine's answer may be a question too", async () => {
    const h = harness(["make it async", "yes"], [question("r2", "Keep the sync one?"), APPLIED]);
    await converse("agentls.refine", [REFINE], h.ask, h.send);
    assert.deepEqual(h.sent.map(([c]) => c), ["agentls.refine", "agentls.reply"]);
    assert.deepEqual(h.sent[1][1], [{ runId: "r2", text: "yes" }]);
  });

  test("needsInput asks with the server's prompt and resends the same command", async () => {
    const needs = { status: "needsInput", prompt: "What should change?", runId: "r1" };
    const h = harness(["first", "second"], [needs, APPLIED]);
    const result = await converse("agentls.refine", [REFINE], h.ask, h.send);
    assert.deepEqual(result, APPLIED);
    assert.equal(h.asked[1].title, "What should change?");
    assert.deepEqual(h.sent[1], ["agentls.refine", [{ ...REFINE, instruction: "second" }]]);
  });

  test("needsInput from a command that takes no text is returned as is", async () => {
    const needs = { status: "needsInput", prompt: "?" };
    const h = harness([], [needs]);
    assert.deepEqual(await converse("agentls.runAgent", [{}], h.ask, h.send), needs);
    assert.deepEqual(h.asked, []);
  });

  test("any other result ends the conversation", async () => {
    for (const result of [undefined, null, { status: "refused", message: "no" }, { status: "applied" }]) {
      const h = harness([], [result]);
      assert.deepEqual(await converse("agentls.runAgent", [{}], h.ask, h.send), result);
      assert.equal(h.sent.length, 1);
    }
  });
});

describe("PendingQuestions", () => {
  test("a question Escaped now is shown again by a later reply without text", async () => {
    const pending = new PendingQuestions();
    const first = harness([undefined], [question("r1", "Which database?")]);
    await converse("agentls.runAgent", [{}], first.ask, first.send, pending);
    // The server's "Answer backend-developer's question…" action: {runId, uri}, no text.
    const later = harness(["Postgres"], [APPLIED]);
    await converse("agentls.reply", [{ runId: "r1", uri: "file:///w/a.py" }], later.ask, later.send, pending);
    assert.equal(later.asked[0].title, "Which database?");
    assert.deepEqual(later.sent, [["agentls.reply", [{ runId: "r1", uri: "file:///w/a.py", text: "Postgres" }]]]);
    assert.equal(pending.get("r1"), undefined);
  });

  test("an answered question is forgotten; another run's reply gets the plain title", async () => {
    const pending = new PendingQuestions();
    const h = harness(["Postgres"], [question("r1", "Which database?"), APPLIED]);
    await converse("agentls.runAgent", [{}], h.ask, h.send, pending);
    assert.equal(pending.get("r1"), undefined);
    assert.equal(inputNeeded("agentls.reply", [{ runId: "r2" }], pending.get("r2"))?.title, "agentls: Reply to the agent");
  });

  test("keeps only the newest few", () => {
    const pending = new PendingQuestions(2);
    for (const id of ["a", "b", "c"]) pending.remember({ runId: id, question: `${id}?` });
    assert.equal(pending.get("a"), undefined);
    assert.equal(pending.get("c")?.question, "c?");
    assert.equal(pending.get(42), undefined);
  });
});

describe("the inputBox capability", () => {
  test("is added under experimental.agentls, keeping what is there", () => {
    const capabilities: ClientCapabilities = { experimental: { other: 1, agentls: { future: true } } };
    addInputBoxCapability(capabilities);
    assert.deepEqual(capabilities.experimental, { other: 1, agentls: { future: true, inputBox: true } });
  });

  test("the static feature fills it in", () => {
    const capabilities: ClientCapabilities = {};
    new InputBoxFeature().fillClientCapabilities(capabilities);
    assert.deepEqual(capabilities.experimental, { agentls: { inputBox: true } });
  });
});
