// The real file-system side of server resolution (Node only, no vscode).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import type { Probe } from "./serverResolution";

export const nodeProbe: Probe = {
  isExecutableFile(file: string): boolean {
    try {
      if (!fs.statSync(file).isFile()) return false;
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  pythonHasAgentls(python: string): boolean {
    const result = spawnSync(python, ["-c", "import agentls"], { timeout: 15_000, stdio: "ignore" });
    return result.status === 0;
  },
};
