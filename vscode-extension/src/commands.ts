// The palette and context-menu commands.
import * as vscode from "vscode";
import { keyTargets, secretName } from "./apiKeys";
import type { ServerManager } from "./serverManager";

const AGENT = "backend-developer";

type Scope = "selection" | "workspace";

async function runAgent(server: ServerManager, scope: Scope): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!editor && (scope === "selection" || !folder)) {
    void vscode.window.showWarningMessage("agentls: open a file and select the code or TODO to work on first.");
    return;
  }
  const instruction = await vscode.window.showInputBox({
    title: scope === "selection" ? "agentls: Implement Backend" : "agentls: Implement Backend in Workspace",
    prompt: "Extra instruction for the agent (optional). The selection, or the line under the cursor, is always sent.",
    placeHolder: "e.g. use FastAPI and add a pytest test",
    ignoreFocusOut: true,
  });
  if (instruction === undefined) return; // Escape: do nothing.
  const convert = server.converter;
  if (!convert) {
    void vscode.window.showErrorMessage("agentls: the server is not running. Run 'agentls: Restart Server'.");
    return;
  }
  const uri = editor ? editor.document.uri : (folder as vscode.WorkspaceFolder).uri;
  const range = editor ? editor.selection : new vscode.Range(0, 0, 0, 0);
  const argument: Record<string, unknown> = {
    agent: AGENT,
    scope,
    uri: convert.asUri(uri),
    range: convert.asRange(range),
  };
  if (instruction.trim()) argument.instruction = instruction.trim();
  try {
    // A question from the agent opens an input box; the answer continues the run.
    await server.converse("agentls.runAgent", [argument]);
  } catch (err) {
    // The server reports failed runs itself (showMessage); this is for requests that never ran.
    const message = err instanceof Error ? err.message : String(err);
    if (!/cancel/i.test(message)) void vscode.window.showErrorMessage(`agentls: ${message}`);
  }
}

async function cancelRuns(server: ServerManager): Promise<void> {
  try {
    await server.executeServerCommand("agentls.cancel", []);
  } catch (err) {
    void vscode.window.showErrorMessage(`agentls: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function pickKeyTarget(title: string) {
  const apiKeyEnv = vscode.workspace.getConfiguration("agentls").get<string>("apiKeyEnv");
  const picked = await vscode.window.showQuickPick(
    keyTargets(apiKeyEnv).map((t) => ({ label: t.label, description: t.envVar, target: t })),
    { title, placeHolder: "Which provider's key?" },
  );
  return picked?.target;
}

async function setApiKey(server: ServerManager, secrets: vscode.SecretStorage): Promise<void> {
  const target = await pickKeyTarget("agentls: Set API Key");
  if (!target) return;
  const key = await vscode.window.showInputBox({
    title: `agentls: ${target.label} API key`,
    prompt: `Stored in VS Code's secret storage and given to the server as ${target.envVar}.`,
    password: true,
    ignoreFocusOut: true,
  });
  if (!key?.trim()) return;
  await secrets.store(secretName(target.envVar), key.trim());
  void vscode.window.showInformationMessage(`agentls: ${target.envVar} stored; restarting the server.`);
  await server.restart();
}

async function clearApiKey(server: ServerManager, secrets: vscode.SecretStorage): Promise<void> {
  const target = await pickKeyTarget("agentls: Clear API Key");
  if (!target) return;
  await secrets.delete(secretName(target.envVar));
  void vscode.window.showInformationMessage(`agentls: ${target.envVar} removed; restarting the server.`);
  await server.restart();
}

export function registerCommands(server: ServerManager, secrets: vscode.SecretStorage): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand("agentls.implementBackend", () => runAgent(server, "selection")),
    vscode.commands.registerCommand("agentls.implementBackendInWorkspace", () => runAgent(server, "workspace")),
    vscode.commands.registerCommand("agentls.cancelRuns", () => cancelRuns(server)),
    vscode.commands.registerCommand("agentls.showOutput", () => server.output.show(true)),
    vscode.commands.registerCommand("agentls.restartServer", () => server.restart()),
    vscode.commands.registerCommand("agentls.setApiKey", () => setApiKey(server, secrets)),
    vscode.commands.registerCommand("agentls.clearApiKey", () => clearApiKey(server, secrets)),
  ];
}
