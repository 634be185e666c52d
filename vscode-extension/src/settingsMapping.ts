// Maps VS Code's `agentls.*` settings to the server's settings tree (snake_case).
// Pure: values come through `lookup`, which returns undefined for settings the user never set,
// so the server's own layers (.agentls.yaml, user file, defaults) still apply to those.

export type Lookup = (key: string) => unknown;

/** VS Code key (below `agentls.`) → path in the server's settings tree. */
export const SETTING_KEYS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["provider", ["provider"]],
  ["model", ["model"]],
  ["baseUrl", ["base_url"]],
  ["apiKeyEnv", ["api_key_env"]],
  ["temperature", ["temperature"]],
  ["maxTokens", ["max_tokens"]],
  ["editFormat", ["edit_format"]],
  ["confirmEdits", ["confirm_edits"]],
  ["logLevel", ["log_level"]],
  ["context.maxTokens", ["context", "max_tokens"]],
  ["context.maxFileBytes", ["context", "max_file_bytes"]],
  ["context.exclude", ["context", "exclude"]],
  ["agents.paths", ["agents", "paths"]],
  ["http.readTimeout", ["http", "read_timeout"]],
  ["provenance.codeLens", ["provenance", "code_lens"]],
  ["provenance.reviewHints", ["provenance", "review_hints"]],
  ["plansDir", ["plans_dir"]],
];

/** Keys that only the extension reads; changing them needs a server restart. */
export const RESTART_KEYS = ["server.path", "server.python", "apiKeyEnv"] as const;

export type ServerSettings = { [key: string]: unknown };

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

function setPath(tree: ServerSettings, keys: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as ServerSettings;
  }
  node[keys[keys.length - 1]] = value;
}

/**
 * `trusted`: VS Code's workspace trust. Only then does the server let the workspace's own
 * `.agentls.yaml` set `checks.commands` (commands it runs). Never read from a setting, so a
 * repository's `.vscode/settings.json` cannot claim it.
 */
export function toServerSettings(lookup: Lookup, trusted = false): ServerSettings {
  const tree: ServerSettings = {};
  for (const [vscodeKey, serverPath] of SETTING_KEYS) {
    const value = lookup(vscodeKey);
    if (isUnset(value)) continue;
    setPath(tree, serverPath, typeof value === "string" ? value.trim() : value);
  }
  if (trusted) tree.workspace_trusted = true;
  return tree;
}

/** The `workspace/didChangeConfiguration` params the server expects. */
export function didChangeConfigurationParams(
  lookup: Lookup,
  trusted = false,
): { settings: { agentls: ServerSettings } } {
  return { settings: { agentls: toServerSettings(lookup, trusted) } };
}
