// The status-bar text: provider and model, or a spinner while runs are in flight.

export interface StatusInput {
  provider?: string;
  model?: string;
  /** The server's environment: AGENTLS_PROVIDER / AGENTLS_MODEL win over settings. */
  env: Record<string, string | undefined>;
  running: number;
  state: "starting" | "running" | "stopped" | "failed";
}

export interface Status {
  text: string;
  tooltip: string;
}

export function statusText(input: StatusInput): Status {
  const provider = input.env.AGENTLS_PROVIDER || input.provider || "auto";
  const model = input.env.AGENTLS_MODEL || input.model || "default model";
  const where = `${provider} · ${model}`;
  if (input.state === "failed") return { text: "$(error) agentls", tooltip: "agentls server is not running. Click to show the output." };
  if (input.state === "stopped") return { text: "$(circle-slash) agentls", tooltip: "agentls server stopped." };
  if (input.state === "starting") return { text: `$(loading~spin) agentls: ${where}`, tooltip: "agentls server is starting." };
  if (input.running > 0) {
    const runs = input.running === 1 ? "1 run" : `${input.running} runs`;
    return { text: `$(sync~spin) agentls: ${where}`, tooltip: `agentls: ${runs} in flight. Click to cancel.` };
  }
  return { text: `$(hubot) agentls: ${where}`, tooltip: `agentls: provider ${provider}, model ${model}. Click to show the output.` };
}
