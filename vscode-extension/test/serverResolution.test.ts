import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { expandPath, resolveServer, type Probe, type ServerSearch } from "../src/serverResolution";

/** A fake file system: the executables that exist and the Pythons that have agentls. */
function fakeProbe(executables: string[], pythonsWithAgentls: string[] = []): Probe {
  return {
    isExecutableFile: (file) => executables.includes(file),
    pythonHasAgentls: (python) => pythonsWithAgentls.includes(python),
  };
}

interface Case {
  name: string;
  search: ServerSearch;
  probe: Probe;
  expected: { command: string; args: string[]; source: string } | RegExp;
}

const PATH_ENV = "/usr/local/bin:/usr/bin";

const cases: Case[] = [
  {
    name: "server.path wins over everything",
    search: { serverPath: "/opt/agentls/bin/agentls", python: "/usr/bin/python3", pathEnv: PATH_ENV },
    probe: fakeProbe(["/opt/agentls/bin/agentls", "/usr/bin/python3", "/usr/bin/agentls"], ["/usr/bin/python3"]),
    expected: { command: "/opt/agentls/bin/agentls", args: ["serve"], source: "agentls.server.path" },
  },
  {
    name: "server.python runs -m agentls serve",
    search: { python: "/venv/bin/python", pathEnv: PATH_ENV },
    probe: fakeProbe(["/venv/bin/python", "/usr/bin/agentls"], ["/venv/bin/python"]),
    expected: { command: "/venv/bin/python", args: ["-m", "agentls", "serve"], source: "agentls.server.python" },
  },
  {
    name: "a bare python name is looked up on PATH",
    search: { python: "python3", pathEnv: PATH_ENV },
    probe: fakeProbe(["/usr/bin/python3"], ["/usr/bin/python3"]),
    expected: { command: "/usr/bin/python3", args: ["-m", "agentls", "serve"], source: "agentls.server.python" },
  },
  {
    name: "a broken server.path falls through to python",
    search: { serverPath: "/missing/agentls", python: "/venv/bin/python", pathEnv: PATH_ENV },
    probe: fakeProbe(["/venv/bin/python"], ["/venv/bin/python"]),
    expected: { command: "/venv/bin/python", args: ["-m", "agentls", "serve"], source: "agentls.server.python" },
  },
  {
    name: "a python without agentls falls through to PATH",
    search: { python: "/usr/bin/python3", pathEnv: PATH_ENV },
    probe: fakeProbe(["/usr/bin/python3", "/usr/local/bin/agentls"]),
    expected: { command: "/usr/local/bin/agentls", args: ["serve"], source: "PATH" },
  },
  {
    name: "PATH is searched in order",
    search: { pathEnv: PATH_ENV },
    probe: fakeProbe(["/usr/bin/agentls", "/usr/local/bin/agentls"]),
    expected: { command: "/usr/local/bin/agentls", args: ["serve"], source: "PATH" },
  },
  {
    name: "a relative server.path resolves against the workspace",
    search: { serverPath: ".venv/bin/agentls", workspaceFolder: "/ws", pathEnv: PATH_ENV },
    probe: fakeProbe(["/ws/.venv/bin/agentls"]),
    expected: { command: "/ws/.venv/bin/agentls", args: ["serve"], source: "agentls.server.path" },
  },
  {
    name: "nothing found: the message names the fix",
    search: { pathEnv: PATH_ENV },
    probe: fakeProbe([]),
    expected: /no agentls executable on PATH.*pipx install \./,
  },
  {
    name: "nothing found: the message names each broken setting",
    search: { serverPath: "/nope/agentls", python: "/usr/bin/python3", pathEnv: PATH_ENV },
    probe: fakeProbe(["/usr/bin/python3"]),
    expected: /"\/nope\/agentls" is not an executable file; agentls is not installed for \/usr\/bin\/python3; no agentls/,
  },
  {
    name: "empty settings are ignored",
    search: { serverPath: "  ", python: "", pathEnv: PATH_ENV },
    probe: fakeProbe(["/usr/bin/agentls"]),
    expected: { command: "/usr/bin/agentls", args: ["serve"], source: "PATH" },
  },
];

describe("resolveServer", () => {
  for (const c of cases) {
    test(c.name, () => {
      const result = resolveServer(c.search, c.probe);
      if (c.expected instanceof RegExp) {
        assert.equal(result.ok, false);
        if (!result.ok) assert.match(result.message, c.expected);
      } else {
        assert.deepEqual(result, { ok: true, launch: c.expected });
      }
    });
  }
});

describe("expandPath", () => {
  const search: ServerSearch = { home: "/home/ann", workspaceFolder: "/ws" };
  const cases: Array<[string, string]> = [
    ["~/.local/bin/agentls", "/home/ann/.local/bin/agentls"],
    ["${workspaceFolder}/.venv/bin/python", "/ws/.venv/bin/python"],
    ["./tools/agentls", "/ws/tools/agentls"],
    ["/abs/agentls", "/abs/agentls"],
    ["python3", "python3"],
  ];
  for (const [raw, expected] of cases) {
    test(`${raw} → ${expected}`, () => assert.equal(expandPath(raw, search), expected));
  }
});
