// Shows server work-done progress as a cancellable notification.
// vscode-languageclient shows it in the status bar, where it cannot be cancelled; this feature
// registers after the built-in one, so its `window/workDoneProgress/create` handler wins.
import * as vscode from "vscode";
import {
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
  type BaseLanguageClient,
  type ClientCapabilities,
  type FeatureState,
  type ProgressToken,
  type StaticFeature,
  type WorkDoneProgressBegin,
} from "vscode-languageclient";

class NotificationProgress {
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private finish: (() => void) | undefined;
  private percentage = 0;
  private pending: { message?: string; percentage?: number } | undefined;
  private ended = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly client: BaseLanguageClient,
    private readonly token: ProgressToken,
    private readonly onDone: (part: NotificationProgress) => void,
  ) {
    this.subscription = client.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === "begin") this.begin(value);
      else if (value.kind === "report") this.report(value);
      else this.done();
    });
  }

  private begin(params: WorkDoneProgressBegin): void {
    this.pending = params;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: params.title, cancellable: params.cancellable ?? false },
      (progress, cancel) => {
        if (this.ended) return Promise.resolve();
        this.progress = progress;
        cancel.onCancellationRequested(() => {
          void this.client.sendNotification(WorkDoneProgressCancelNotification.type, { token: this.token });
        });
        if (this.pending) this.report(this.pending);
        return new Promise<void>((resolve) => (this.finish = resolve));
      },
    );
  }

  private report(params: { message?: string; percentage?: number }): void {
    if (!this.progress) {
      this.pending = params;
      return;
    }
    let increment: number | undefined;
    if (typeof params.percentage === "number" && params.percentage > this.percentage) {
      increment = params.percentage - this.percentage;
      this.percentage = params.percentage;
    }
    this.progress.report({ message: params.message, increment });
  }

  done(): void {
    this.ended = true;
    this.subscription.dispose();
    this.finish?.();
    this.onDone(this);
  }
}

export class NotificationProgressFeature implements StaticFeature {
  private readonly parts = new Set<NotificationProgress>();

  constructor(private readonly client: BaseLanguageClient) {}

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = { ...capabilities.window, workDoneProgress: true };
  }

  initialize(): void {
    this.client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      this.parts.add(new NotificationProgress(this.client, token, (part) => this.parts.delete(part)));
    });
  }

  getState(): FeatureState {
    return { kind: "static" };
  }

  clear(): void {
    for (const part of [...this.parts]) part.done();
  }
}
