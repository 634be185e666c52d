// The agentls wheel shipped inside the .vsix (`bundled/agentls-*.whl`), installed on the
// user's request into a private virtual environment in the extension's global storage,
// with the system's Python (>= 3.11). Later starts reuse it; a newer bundled wheel
// reinstalls it. The same idea as ruff's and other Python-tool extensions, no VS Code API here.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findOnPath, type Probe } from "./serverResolution";

export const MIN_PYTHON: readonly [number, number] = [3, 11];
/** Written into the venv after a successful install: the wheel's file name. */
export const MARKER = "agentls-installed-wheel.txt";

export interface Wheel {
  file: string;
  version: string;
}

/** `agentls-0.1.0-py3-none-any.whl` -> `0.1.0`. */
export function wheelVersion(file: string): string | undefined {
  return /^agentls-([^-]+)-/.exec(path.basename(file))?.[1];
}

/** Numeric parts compared as numbers (`0.10.0` > `0.9.1`); other parts as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+]/);
  const pb = b.split(/[.+]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "0";
    const y = pb[i] ?? "0";
    const nx = Number(x);
    const ny = Number(y);
    const order = Number.isInteger(nx) && Number.isInteger(ny) ? nx - ny : x.localeCompare(y);
    if (order !== 0) return Math.sign(order);
  }
  return 0;
}

/** The newest agentls wheel among `files` (names or paths). */
export function pickWheel(files: string[]): Wheel | undefined {
  let best: Wheel | undefined;
  for (const file of files) {
    if (!file.endsWith(".whl")) continue;
    const version = wheelVersion(file);
    if (version && (!best || compareVersions(version, best.version) > 0)) best = { file, version };
  }
  return best;
}

export function findBundledWheel(extensionDir: string): Wheel | undefined {
  const dir = path.join(extensionDir, "bundled");
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  const found = pickWheel(names);
  return found && { ...found, file: path.join(dir, found.file) };
}

export function venvPython(venvDir: string, platform: NodeJS.Platform = process.platform): string {
  return platform === "win32" ? path.join(venvDir, "Scripts", "python.exe") : path.join(venvDir, "bin", "python");
}

export type VenvState =
  | { kind: "current"; python: string }
  | { kind: "outdated"; installed: string }
  | { kind: "missing" };

/** Is the private venv there, and does it hold this wheel? */
export function venvState(
  venvDir: string,
  wheel: Wheel,
  probe: Pick<Probe, "isExecutableFile">,
  read: (file: string) => string | undefined,
): VenvState {
  const python = venvPython(venvDir);
  const installed = read(path.join(venvDir, MARKER))?.trim();
  if (!installed || !probe.isExecutableFile(python)) return { kind: "missing" };
  if (installed !== path.basename(wheel.file)) return { kind: "outdated", installed };
  return { kind: "current", python };
}

/** `3.11.7` -> [3, 11, 7]. */
export function parsePythonVersion(text: string): number[] | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return match ? match.slice(1).filter(Boolean).map(Number) : undefined;
}

export function isRecentEnough(version: number[]): boolean {
  const [major = 0, minor = 0] = version;
  return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

export type PythonFound = { ok: true; python: string; version: string } | { ok: false; message: string };

const NEED = `Python ${MIN_PYTHON.join(".")} or newer`;

/** The first `python3` / `python` on PATH that is recent enough, or why there is none. */
export function findSystemPython(
  pathEnv: string | undefined,
  probe: Pick<Probe, "isExecutableFile">,
  versionOf: (python: string) => string | undefined = pythonVersion,
  platform: NodeJS.Platform = process.platform,
): PythonFound {
  const names = platform === "win32" ? ["python3.exe", "python.exe"] : ["python3", "python"];
  const tooOld: string[] = [];
  for (const name of names) {
    const python = findOnPath(name, pathEnv, { isExecutableFile: probe.isExecutableFile, pythonHasAgentls: () => false });
    if (!python) continue;
    const text = versionOf(python);
    const version = text ? parsePythonVersion(text) : undefined;
    if (version && isRecentEnough(version)) return { ok: true, python, version: version.join(".") };
    tooOld.push(`${python} is ${version ? `Python ${version.join(".")}` : "not a working Python"}`);
  }
  if (tooOld.length) {
    return {
      ok: false,
      message: `agentls needs ${NEED} to install its server, but ${tooOld.join(" and ")}. Install a newer Python (python.org or your package manager) and try again, or set agentls.server.path.`,
    };
  }
  return {
    ok: false,
    message: `agentls needs ${NEED} to install its server, and there is no python3 on PATH. Install Python (python.org or your package manager) and try again, or set agentls.server.path.`,
  };
}

function pythonVersion(python: string): string | undefined {
  const result = spawnSync(python, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], {
    encoding: "utf8",
    timeout: 15_000,
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Runs a command; each output line goes to `log`; rejects with the output's tail. */
function run(command: string, args: string[], log: (line: string) => void, env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    log(`$ ${command} ${args.join(" ")}`);
    const child = spawn(command, args, { env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split(/\r?\n/)) {
        if (!line.trim()) continue;
        log(line);
        tail.push(line);
        if (tail.length > 12) tail.shift();
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} exited with ${code}: ${tail.join("\n")}`)),
    );
  });
}

/**
 * Creates `venvDir` afresh with `python`, installs the wheel (its dependencies come from
 * the package index, as pip is configured), and marks it. Returns the venv's Python.
 */
export async function installIntoVenv(
  python: string,
  venvDir: string,
  wheel: Wheel,
  log: (line: string) => void,
  step: (message: string) => void,
): Promise<string> {
  step("creating a private Python environment");
  fs.rmSync(venvDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venvDir), { recursive: true });
  try {
    await run(python, ["-m", "venv", venvDir], log);
  } catch (err) {
    const text = String(err);
    const hint = /ensurepip|python3-venv/.test(text) ? " On Debian and Ubuntu: sudo apt install python3-venv." : "";
    throw new Error(`${python} could not create a virtual environment.${hint} ${text}`);
  }
  const venvPy = venvPython(venvDir);
  step(`installing agentls ${wheel.version} and its dependencies`);
  const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };
  await run(venvPy, ["-m", "pip", "install", wheel.file], log, env);
  fs.writeFileSync(path.join(venvDir, MARKER), `${path.basename(wheel.file)}\n`);
  return venvPy;
}
