// Entry point: wires the server manager, commands, status bar and settings sync.
import * as vscode from "vscode";
import { registerCommands } from "./commands";
import { ServerManager } from "./serverManager";
import { RESTART_KEYS } from "./settingsMapping";
import { statusText } from "./statusText";

let server: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("agentls", { log: true });
  const status = vscode.window.createStatusBarItem("agentls.status", vscode.StatusBarAlignment.Right, 100);
  status.name = "agentls";

  const updateStatus = () => {
    if (!server) return;
    const config = vscode.workspace.getConfiguration("agentls");
    const shown = statusText({
      provider: config.get<string>("provider"),
      model: config.get<string>("model"),
      env: server.env,
      running: server.runs.running,
      state: server.state,
    });
    status.text = shown.text;
    status.tooltip = shown.tooltip;
    status.command = server.runs.running > 0 ? "agentls.cancelRuns" : "agentls.showOutput";
    status.show();
  };

  server = new ServerManager(context.secrets, output, updateStatus, {
    extension: context.extensionPath,
    storage: context.globalStorageUri.fsPath,
  });
  context.subscriptions.push(output, status, server, ...registerCommands(server, context.secrets));

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!server || !event.affectsConfiguration("agentls")) return;
      if (RESTART_KEYS.some((key) => event.affectsConfiguration(`agentls.${key}`))) {
        await server.restart();
      } else {
        await server.pushSettings();
      }
      updateStatus();
    }),
    // Trust granted later: the server may now honour the workspace's checks.commands.
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      await server?.pushSettings();
    }),
  );

  updateStatus();
  await server.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
