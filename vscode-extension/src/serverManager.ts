// Owns the language client: finds the server, starts it with the stored keys in its
// environment, restarts it a bounded number of times after crashes, and keeps settings in sync.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  State,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { keyTargets, secretName, serverEnv } from "./apiKeys";
import { findBundledWheel, findSystemPython, installIntoVenv, venvState, type Wheel } from "./bundledServer";
import { nodeProbe } from "./probe";
import { NotificationProgressFeature } from "./progressNotifications";
import { RestartPolicy } from "./restartPolicy";
import { CONVERSATION_COMMANDS, converse, InputBoxFeature, PendingQuestions, type Ask } from "./review";
import { RunTracker } from "./runTracker";
import { resolveServer, type ServerLaunch } from "./serverResolution";
import { didChangeConfigurationParams, toServerSettings, type Lookup } from "./settingsMapping";

export type ServerState = "starting" | "running" | "stopped" | "failed";

/** The value the user set for `agentls.<key>` (any scope), or undefined when left at default. */
export function userSettingLookup(): Lookup {
  const config = vscode.workspace.getConfiguration("agentls");
  return (key) => {
    const found = config.inspect(key);
    return found?.workspaceFolderValue ?? found?.workspaceValue ?? found?.globalValue;
  };
}

/** The review commands' input box (Escape: undefined). */
const askInInputBox: Ask = (request) => vscode.window.showInputBox({ ...request, ignoreFocusOut: true });

const isConversation = (command: string) => (CONVERSATION_COMMANDS as readonly string[]).includes(command);

export class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private policy = new RestartPolicy(this.maxRestarts());
  private _state: ServerState = "stopped";
  private _env: Record<string, string> = {};
  readonly runs: RunTracker;
  private installing: Promise<void> | undefined;
  /** Questions asked and not answered yet, shown again by a later Answer… action. */
  private readonly questions = new PendingQuestions();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    readonly output: vscode.LogOutputChannel,
    private readonly onStateChange: () => void,
    /** The extension's folder (holds `bundled/agentls-*.whl`) and its global storage. */
    private readonly dirs: { extension: string; storage: string } = { extension: "", storage: "" },
  ) {
    this.runs = new RunTracker((running) => {
      void vscode.commands.executeCommand("setContext", "agentls.running", running > 0);
      this.onStateChange();
    });
  }

  get state(): ServerState {
    return this._state;
  }

  /** The environment the server runs with (for the status bar's provider/model). */
  get env(): Record<string, string> {
    return this._env;
  }

  private setState(state: ServerState): void {
    this._state = state;
    this.onStateChange();
  }

  private maxRestarts(): number {
    return vscode.workspace.getConfiguration("agentls").get<number>("server.maxRestarts", 4);
  }

  private workspaceFolder(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  private async buildEnv(): Promise<Record<string, string>> {
    const apiKeyEnv = vscode.workspace.getConfiguration("agentls").get<string>("apiKeyEnv");
    const stored: Record<string, string | undefined> = {};
    for (const target of keyTargets(apiKeyEnv)) {
      stored[target.envVar] = await this.secrets.get(secretName(target.envVar));
    }
    return serverEnv(process.env, stored);
  }

  async start(): Promise<void> {
    this.setState("starting");
    const env = await this.buildEnv();
    this._env = env;
    const config = vscode.workspace.getConfiguration("agentls");
    const resolution = resolveServer(
      {
        serverPath: config.get<string>("server.path"),
        python: config.get<string>("server.python"),
        pathEnv: env.PATH,
        workspaceFolder: this.workspaceFolder(),
        home: os.homedir(),
      },
      nodeProbe,
    );
    const launch = resolution.ok ? resolution.launch : await this.privateServer(resolution.message, env);
    if (!launch) return;
    this.policy = new RestartPolicy(this.maxRestarts());
    this.output.info(`starting ${launch.command} ${launch.args.join(" ")} (from ${launch.source})`);
    this.client = this.createClient(launch, env);
    this.client.onDidChangeState((event) => {
      if (event.newState === State.Running) this.setState("running");
      else if (event.newState === State.Starting) this.setState("starting");
      else this.setState("stopped");
    });
    try {
      await this.client.start();
    } catch (err) {
      this.output.error(`the server did not start: ${String(err)}`);
      this.setState("failed");
      void this.showStartError(`The agentls server did not start: ${String(err)}`);
    }
  }

  private get venvDir(): string {
    return path.join(this.dirs.storage, "server-venv");
  }

  /**
   * No configured or PATH server: the private environment made from the bundled wheel.
   * Up to date: use it. Older wheel: reinstall. None yet: offer to create it (the answer
   * comes later; `start()` runs again after the install).
   */
  private async privateServer(notFound: string, env: Record<string, string>): Promise<ServerLaunch | undefined> {
    const wheel = this.dirs.extension ? findBundledWheel(this.dirs.extension) : undefined;
    if (!wheel || !this.dirs.storage) {
      this.output.error(notFound);
      this.setState("failed");
      void this.showStartError(notFound);
      return undefined;
    }
    const read = (file: string) => {
      try {
        return fs.readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    };
    const found = venvState(this.venvDir, wheel, nodeProbe, read);
    if (found.kind === "current") {
      return { command: found.python, args: ["-m", "agentls", "serve"], source: "private environment" };
    }
    if (found.kind === "outdated") {
      this.output.info(`the private environment has ${found.installed}; installing ${wheel.file}`);
      return (await this.installPrivate(wheel, env)) ? this.privateServer(notFound, env) : undefined;
    }
    this.output.warn(notFound);
    this.setState("failed");
    void this.offerInstall(wheel, env);
    return undefined;
  }

  private async offerInstall(wheel: Wheel, env: Record<string, string>): Promise<void> {
    const install = "Install Server";
    const choice = await vscode.window.showInformationMessage(
      `The agentls server is not installed. Install agentls ${wheel.version} (bundled with this extension) ` +
        "into a private Python environment? It needs Python 3.11 or newer; its dependencies come from PyPI.",
      install,
      "Open Settings",
      "Show Output",
    );
    if (choice === "Open Settings") void vscode.commands.executeCommand("workbench.action.openSettings", "agentls.server");
    if (choice === "Show Output") this.output.show();
    if (choice === install && (await this.installPrivate(wheel, env))) await this.start();
  }

  /** Creates (or recreates) the private environment, with a progress notification. */
  private async installPrivate(wheel: Wheel, env: Record<string, string>): Promise<boolean> {
    if (!this.installing) {
      this.installing = this.runInstall(wheel, env).finally(() => (this.installing = undefined));
    }
    try {
      await this.installing;
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.output.error(message);
      this.setState("failed");
      void this.showStartError(message);
      return false;
    }
  }

  private async runInstall(wheel: Wheel, env: Record<string, string>): Promise<void> {
    const python = findSystemPython(env.PATH, nodeProbe);
    if (!python.ok) throw new Error(python.message);
    this.setState("starting");
    this.output.info(`installing the agentls server with Python ${python.version} (${python.python}) into ${this.venvDir}`);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "agentls: installing the server" },
      async (progress) => {
        await installIntoVenv(python.python, this.venvDir, wheel, (line) => this.output.info(line), (message) =>
          progress.report({ message }),
        );
      },
    );
    this.output.info(`installed ${path.basename(wheel.file)} into ${this.venvDir}`);
  }

  private async showStartError(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
    if (choice === "Open Settings") void vscode.commands.executeCommand("workbench.action.openSettings", "agentls.server");
    if (choice === "Show Output") this.output.show();
  }

  private createClient(launch: ServerLaunch, env: Record<string, string>): LanguageClient {
    // No `transport`: the client would append `--stdio`, which `agentls serve` does not need.
    const run = { command: launch.command, args: launch.args, options: { env, cwd: this.workspaceFolder() } };
    const serverOptions: ServerOptions = { run, debug: run };
    let self: LanguageClient | undefined;
    // A document event racing a restart must not show an error: the new server gets didOpen anyway.
    const quietDuringRestart =
      <T>(method: string) =>
      async (data: T, next: (data: T) => Promise<void>): Promise<void> => {
        try {
          await next(data);
        } catch (err) {
          if (self === this.client && this._state === "running") throw err;
          this.output.debug(`${method} dropped while the server restarts: ${String(err)}`);
        }
      };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
      outputChannel: this.output,
      // A function: a crashed server restarted by the client gets today's settings, not
      // those of the day the client was made.
      initializationOptions: () => toServerSettings(userSettingLookup(), vscode.workspace.isTrusted),
      // Provenance hovers link to the run's transcript with a `command:` link; trust
      // that one command only.
      markdown: { isTrusted: { enabledCommands: ["agentls.showTranscript"] } },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => {
          if (this.policy.shouldRestart()) {
            this.output.warn("the server stopped unexpectedly; restarting it");
            return { action: CloseAction.Restart, handled: true };
          }
          return {
            action: CloseAction.DoNotRestart,
            message:
              "The agentls server crashed repeatedly and was not restarted. See 'agentls: Show Output', then run 'agentls: Restart Server'.",
          };
        },
      },
      middleware: {
        didOpen: quietDuringRestart<vscode.TextDocument>("didOpen"),
        didChange: quietDuringRestart<vscode.TextDocumentChangeEvent>("didChange"),
        didSave: quietDuringRestart<vscode.TextDocument>("didSave"),
        didClose: quietDuringRestart<vscode.TextDocument>("didClose"),
        // Code actions run `agentls.runAgent`, `agentls.refine` and `agentls.reply` through
        // here: missing text and the agent's questions go to an input box, and each request
        // is counted for the status bar (not the time the input box is open).
        executeCommand: (command, args, next) =>
          isConversation(command)
            ? converse(command, args, askInInputBox, (c, a) => this.runs.track(async () => next(c, a)), this.questions)
            : next(command, args),
        workspace: {
          // If the server pulls settings, answer with the same mapping it gets pushed.
          configuration: async (params, token, next) => {
            const lookup = userSettingLookup();
            const raw = await next(params, token);
            if (!Array.isArray(raw)) return raw;
            const trusted = vscode.workspace.isTrusted;
            return params.items.map((item, i) =>
              item.section === "agentls" ? toServerSettings(lookup, trusted) : raw[i],
            );
          },
        },
      },
    };
    const client = new LanguageClient("agentls", "agentls", serverOptions, clientOptions);
    self = client;
    client.registerFeature(new NotificationProgressFeature(client));
    client.registerFeature(new InputBoxFeature());
    return client;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(3000);
      } catch (err) {
        this.output.info(`stopping the server: ${String(err)}`);
      }
    }
    this.setState("stopped");
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Pushes the current settings to the running server (no restart needed). */
  async pushSettings(): Promise<void> {
    if (!this.client || this._state !== "running") return;
    const params = didChangeConfigurationParams(userSettingLookup(), vscode.workspace.isTrusted);
    await this.client.sendNotification(DidChangeConfigurationNotification.type, params);
  }

  /** Sends `workspace/executeCommand`; throws when the server is not running. */
  async executeServerCommand(command: string, args: unknown[]): Promise<unknown> {
    if (!this.client || this._state !== "running") {
      throw new Error("The agentls server is not running. Run 'agentls: Restart Server' or see 'agentls: Show Output'.");
    }
    return this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  /**
   * Sends a conversation command (`agentls.runAgent`, `agentls.refine`, `agentls.reply`) as
   * the code actions do: missing text and the agent's questions are asked in an input box.
   */
  async converse(command: string, args: unknown[]): Promise<unknown> {
    const send = (c: string, a: unknown[]) => this.runs.track(() => this.executeServerCommand(c, a));
    return converse(command, args, askInInputBox, send, this.questions);
  }

  /** Editor positions and URIs as the server expects them. */
  get converter() {
    return this.client?.code2ProtocolConverter;
  }

  dispose(): void {
    void this.stop();
  }
}
