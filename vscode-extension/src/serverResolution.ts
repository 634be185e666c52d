// Finds how to start `agentls serve`. Pure: all file-system questions go through `Probe`.
import * as path from "node:path";

export interface ServerLaunch {
  command: string;
  args: string[];
  /** Which setting or fallback produced this launch, for the log. */
  source: "agentls.server.path" | "agentls.server.python" | "PATH" | "private environment";
}

export interface ServerSearch {
  serverPath?: string;
  python?: string;
  /** The PATH variable of the environment the server will run in. */
  pathEnv?: string;
  /** Folder used to resolve relative paths and `${workspaceFolder}`. */
  workspaceFolder?: string;
  home?: string;
}

export interface Probe {
  isExecutableFile(file: string): boolean;
  /** True when `python -c "import agentls"` succeeds. */
  pythonHasAgentls(python: string): boolean;
}

export type Resolution = { ok: true; launch: ServerLaunch } | { ok: false; message: string };

export const INSTALL_HINT =
  "Install it from an agentls checkout with `pipx install .` (or `pip install .`), " +
  "or set `agentls.server.path` to the agentls executable or `agentls.server.python` " +
  "to a Python that has agentls installed, then run 'agentls: Restart Server'.";

const SERVE_ARGS = ["serve"];

/** Expands `~` and `${workspaceFolder}`; makes relative paths absolute against the workspace. */
export function expandPath(raw: string, search: ServerSearch): string {
  let p = raw.trim();
  if (search.home && (p === "~" || p.startsWith("~/"))) p = path.join(search.home, p.slice(1));
  if (search.workspaceFolder) p = p.split("${workspaceFolder}").join(search.workspaceFolder);
  const looksLikePath = p.includes("/") || p.includes("\\");
  if (looksLikePath && !path.isAbsolute(p) && search.workspaceFolder) {
    p = path.resolve(search.workspaceFolder, p);
  }
  return p;
}

/** Looks a bare command name up on PATH; returns the path given when it already has a slash. */
export function findOnPath(name: string, pathEnv: string | undefined, probe: Probe): string | undefined {
  if (name.includes("/") || name.includes("\\")) return probe.isExecutableFile(name) ? name : undefined;
  for (const dir of (pathEnv ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (probe.isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Order: `agentls.server.path`, then `agentls.server.python -m agentls`, then `agentls` on PATH.
 * A configured entry that does not work is skipped, and named in the final error.
 */
export function resolveServer(search: ServerSearch, probe: Probe): Resolution {
  const problems: string[] = [];

  if (search.serverPath?.trim()) {
    const wanted = expandPath(search.serverPath, search);
    const found = findOnPath(wanted, search.pathEnv, probe);
    if (found) return { ok: true, launch: { command: found, args: SERVE_ARGS, source: "agentls.server.path" } };
    problems.push(`agentls.server.path "${search.serverPath}" is not an executable file`);
  }

  if (search.python?.trim()) {
    const wanted = expandPath(search.python, search);
    const found = findOnPath(wanted, search.pathEnv, probe);
    if (!found) {
      problems.push(`agentls.server.python "${search.python}" is not an executable file`);
    } else if (!probe.pythonHasAgentls(found)) {
      problems.push(`agentls is not installed for ${found}`);
    } else {
      return {
        ok: true,
        launch: { command: found, args: ["-m", "agentls", ...SERVE_ARGS], source: "agentls.server.python" },
      };
    }
  }

  const onPath = findOnPath("agentls", search.pathEnv, probe);
  if (onPath) return { ok: true, launch: { command: onPath, args: SERVE_ARGS, source: "PATH" } };
  problems.push("no agentls executable on PATH");

  return { ok: false, message: `agentls server not found (${problems.join("; ")}). ${INSTALL_HINT}` };
}
