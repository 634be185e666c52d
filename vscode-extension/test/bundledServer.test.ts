import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, test } from "node:test";
import {
  compareVersions,
  findSystemPython,
  isRecentEnough,
  MARKER,
  parsePythonVersion,
  pickWheel,
  venvPython,
  venvState,
  wheelVersion,
} from "../src/bundledServer";

describe("the bundled wheel", () => {
  test("its version comes from the file name", () => {
    assert.equal(wheelVersion("/x/bundled/agentls-0.1.0-py3-none-any.whl"), "0.1.0");
    assert.equal(wheelVersion("other-1.0-py3-none-any.whl"), undefined);
  });

  test("versions compare by number", () => {
    assert.equal(compareVersions("0.10.0", "0.9.1"), 1);
    assert.equal(compareVersions("0.1.0", "0.1"), 0);
    assert.equal(compareVersions("1.2.3", "1.2.4"), -1);
  });

  test("the newest agentls wheel is picked; other files are ignored", () => {
    const found = pickWheel(["README", "agentls-0.9.0-py3-none-any.whl", "agentls-0.10.0-py3-none-any.whl"]);
    assert.deepEqual(found, { file: "agentls-0.10.0-py3-none-any.whl", version: "0.10.0" });
    assert.equal(pickWheel(["notes.txt"]), undefined);
  });
});

describe("the private environment", () => {
  const venv = "/storage/server-venv";
  const wheel = { file: "/ext/bundled/agentls-0.2.0-py3-none-any.whl", version: "0.2.0" };
  const python = venvPython(venv, "linux");
  const exists = (files: string[]) => ({ isExecutableFile: (f: string) => files.includes(f) });
  const marker = (text: string | undefined) => (file: string) =>
    file === path.join(venv, MARKER) ? text : undefined;

  test("reused when it holds the bundled wheel", () => {
    assert.deepEqual(venvState(venv, wheel, exists([python]), marker("agentls-0.2.0-py3-none-any.whl\n")), {
      kind: "current",
      python,
    });
  });

  test("reinstalled when it holds another wheel", () => {
    assert.deepEqual(venvState(venv, wheel, exists([python]), marker("agentls-0.1.0-py3-none-any.whl")), {
      kind: "outdated",
      installed: "agentls-0.1.0-py3-none-any.whl",
    });
  });

  test("missing without its marker (a half-made venv) or without its python", () => {
    assert.equal(venvState(venv, wheel, exists([python]), marker(undefined)).kind, "missing");
    assert.equal(venvState(venv, wheel, exists([]), marker("agentls-0.2.0-py3-none-any.whl")).kind, "missing");
  });

  test("Windows keeps python in Scripts", () => {
    assert.equal(venvPython("C:\\v", "win32"), path.join("C:\\v", "Scripts", "python.exe"));
  });
});

describe("the system's Python", () => {
  test("versions are read and judged against 3.11", () => {
    assert.deepEqual(parsePythonVersion("3.11.7"), [3, 11, 7]);
    assert.equal(isRecentEnough([3, 11, 0]), true);
    assert.equal(isRecentEnough([3, 13]), true);
    assert.equal(isRecentEnough([3, 10, 12]), false);
    assert.equal(isRecentEnough([2, 7]), false);
  });

  const probe = (files: string[]) => ({ isExecutableFile: (f: string) => files.includes(f) });

  test("the first recent enough python3 or python on PATH", () => {
    const versions: Record<string, string> = { "/old/python3": "3.9.2", "/new/python": "3.12.1" };
    const found = findSystemPython("/old:/new", probe(["/old/python3", "/new/python"]), (p) => versions[p], "linux");
    assert.deepEqual(found, { ok: true, python: "/new/python", version: "3.12.1" });
  });

  test("too old: the message names the version found and what is needed", () => {
    const found = findSystemPython("/old", probe(["/old/python3"]), () => "3.9.2", "linux");
    assert.equal(found.ok, false);
    assert.match(!found.ok ? found.message : "", /Python 3\.11 or newer.*\/old\/python3 is Python 3\.9\.2/);
  });

  test("none on PATH: the message says so", () => {
    const found = findSystemPython("/empty", probe([]), () => undefined, "linux");
    assert.match(!found.ok ? found.message : "", /no python3 on PATH/);
  });
});
