// The review commands' editor glue (issue #13): text the server asks for comes from an
// input box. `agentls.refine` / `agentls.reply` without their text ask for it first; a run
// that ends with the agent's question asks for the answer and sends `agentls.reply`.
// Pure: the input box and the request are passed in, so the tests drive it without VS Code.
import type { ClientCapabilities, FeatureState, StaticFeature } from "vscode-languageclient";

/** Server commands whose result may be a question (or ask for input). */
export const CONVERSATION_COMMANDS = ["agentls.runAgent", "agentls.refine", "agentls.reply"] as const;

/** The argument field each input-taking command needs. */
const INPUT_FIELD: Record<string, "instruction" | "text"> = {
  "agentls.refine": "instruction",
  "agentls.reply": "text",
};

export interface InputRequest {
  title: string;
  prompt: string;
  placeHolder?: string;
}

/** Shows an input box; undefined when the user pressed Escape. */
export type Ask = (request: InputRequest) => PromiseLike<string | undefined>;
/** Sends `workspace/executeCommand` with these arguments. */
export type Send = (command: string, args: unknown[]) => PromiseLike<unknown>;

export interface Question {
  runId: string;
  question: string;
  agent?: string;
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

/** The one object argument of a review command, or undefined. */
function objectArgument(args: readonly unknown[]): Obj | undefined {
  return isObject(args[0]) ? args[0] : undefined;
}

function agentName(argument: Obj | undefined): string {
  return nonEmpty(argument?.agent) ? argument.agent.trim() : "the agent";
}

/**
 * What to ask before sending `command`: undefined when the command takes no text or its
 * argument already carries it.
 */
export function inputNeeded(command: string, args: readonly unknown[], known?: Question): InputRequest | undefined {
  const field = INPUT_FIELD[command];
  const argument = objectArgument(args);
  if (!field || !argument || nonEmpty(argument[field])) return undefined;
  const agent = agentName(argument);
  if (field === "instruction") {
    return {
      title: `agentls: Refine ${agent}'s change`,
      prompt: "What should change? The agent continues the run's conversation and edits the current text.",
      placeHolder: "e.g. make it async, use SQLAlchemy",
    };
  }
  if (nonEmpty(argument.question)) {
    return questionInput({ runId: "", question: argument.question, agent: nonEmpty(argument.agent) ? argument.agent : undefined });
  }
  if (known && known.runId === argument.runId) return questionInput(known);
  return { title: `agentls: Reply to ${agent}`, prompt: `Your answer to ${agent}.` };
}

/**
 * The questions this session's runs asked and the user has not answered yet, by run id
 * (the newest few), so a later `agentls.reply` without the question (the server's
 * "Answer <agent>'s question…" action) shows it again.
 */
export class PendingQuestions {
  private readonly byRun = new Map<string, Question>();

  constructor(private readonly limit = 20) {}

  remember(question: Question): void {
    this.byRun.delete(question.runId);
    this.byRun.set(question.runId, question);
    while (this.byRun.size > this.limit) this.byRun.delete(this.byRun.keys().next().value as string);
  }

  answered(runId: string): void {
    this.byRun.delete(runId);
  }

  get(runId: unknown): Question | undefined {
    return typeof runId === "string" ? this.byRun.get(runId) : undefined;
  }
}

/** The arguments with `text` put into the command's input field (other fields kept). */
export function withInput(command: string, args: readonly unknown[], text: string): unknown[] {
  const field = INPUT_FIELD[command];
  const argument = objectArgument(args);
  if (!field || !argument) return [...args];
  return [{ ...argument, [field]: text }, ...args.slice(1)];
}

/** The question in a command's result (`status: "question"`), or undefined. */
export function questionIn(result: unknown): Question | undefined {
  if (!isObject(result) || result.status !== "question") return undefined;
  if (!nonEmpty(result.runId) || !nonEmpty(result.question)) return undefined;
  return { runId: result.runId, question: result.question, agent: nonEmpty(result.agent) ? result.agent : undefined };
}

/** The prompt of a `status: "needsInput"` result, or undefined. */
export function needsInputIn(result: unknown): string | undefined {
  if (!isObject(result) || result.status !== "needsInput") return undefined;
  return nonEmpty(result.prompt) ? result.prompt : "The agent needs your input.";
}

/** The input box for an agent's question: titled with the question itself. */
export function questionInput(question: Question): InputRequest {
  const agent = question.agent ?? "the agent";
  return {
    title: oneLine(question.question),
    prompt: `Answer ${agent}: your reply continues the run (Escape: no answer, nothing is applied).`,
  };
}

/** Input box titles are one line: newlines become spaces, long text is cut. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Runs `command` as a conversation: asks for missing input first, sends it, and while the
 * result is the agent's question (or the server asks for input), asks the user and
 * continues with `agentls.reply`. Escape (or an empty answer) stops and returns what the
 * server last said; nothing more is sent. Returns undefined when nothing was sent at all.
 */
export async function converse(
  command: string,
  args: readonly unknown[],
  ask: Ask,
  send: Send,
  pending: PendingQuestions = new PendingQuestions(),
): Promise<unknown> {
  let current = command;
  let currentArgs: unknown[] = [...args];
  const missing = inputNeeded(current, currentArgs, pending.get(objectArgument(currentArgs)?.runId));
  if (missing) {
    const text = await ask(missing);
    if (!nonEmpty(text)) return undefined;
    currentArgs = withInput(current, currentArgs, text.trim());
  }
  if (current === "agentls.reply") pending.answered(String(objectArgument(currentArgs)?.runId));
  let result = await send(current, currentArgs);
  for (;;) {
    const question = questionIn(result);
    const prompt = question ? undefined : needsInputIn(result);
    if (question) {
      pending.remember(question);
      const text = await ask(questionInput(question));
      if (!nonEmpty(text)) return result;
      pending.answered(question.runId);
      current = "agentls.reply";
      currentArgs = [{ runId: question.runId, text: text.trim() }];
    } else if (prompt !== undefined && INPUT_FIELD[current] && objectArgument(currentArgs)) {
      // The server wants the text this command carries (it should not, as we always send
      // it; an answer is still better than a dead end).
      const text = await ask({ title: oneLine(prompt), prompt: `agentls: ${current}` });
      if (!nonEmpty(text)) return result;
      currentArgs = withInput(current, currentArgs, text.trim());
    } else {
      return result;
    }
    result = await send(current, currentArgs);
  }
}

/** Tells the server it may leave questions and refine instructions to our input boxes. */
export function addInputBoxCapability(capabilities: ClientCapabilities): void {
  const experimental = isObject(capabilities.experimental) ? capabilities.experimental : {};
  const agentls = isObject(experimental.agentls) ? experimental.agentls : {};
  capabilities.experimental = { ...experimental, agentls: { ...agentls, inputBox: true } };
}

/** Declares `experimental.agentls.inputBox` in `initialize`. */
export class InputBoxFeature implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    addInputBoxCapability(capabilities);
  }

  initialize(): void {}

  getState(): FeatureState {
    return { kind: "static" };
  }

  clear(): void {}
}
