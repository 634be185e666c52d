// Builds the agentls wheel into bundled/ for the .vsix (the extension installs it into a
// private environment when no server is found). Builds from a clean copy of the sources,
// so stale files of an in-tree build/ never reach the wheel.
// Python: $PYTHON, else python3 (needs pip; setuptools comes through pip's build isolation).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXTENSION = path.resolve(HERE, "..");
const REPO = path.resolve(EXTENSION, "..");
const OUT = path.join(EXTENSION, "bundled");
const PYTHON = process.env.PYTHON || (process.platform === "win32" ? "python" : "python3");
const SOURCES = ["pyproject.toml", "setup.py", "README.md", "server", "agents"];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agentls-wheel-"));
try {
  for (const name of SOURCES) {
    fs.cpSync(path.join(REPO, name), path.join(tmp, name), {
      recursive: true,
      filter: (src) => !/(__pycache__|\.egg-info|\.pyc)$/.test(src),
    });
  }
  fs.rmSync(OUT, { recursive: true, force: true });
  const result = spawnSync(
    PYTHON,
    ["-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", tmp, "-w", OUT],
    { stdio: "inherit" },
  );
  if (result.status !== 0) {
    console.error(`bundle-server: ${PYTHON} -m pip wheel failed (${result.error?.message ?? `exit ${result.status}`})`);
    process.exit(1);
  }
  const wheels = fs.readdirSync(OUT).filter((f) => /^agentls-.*\.whl$/.test(f));
  if (wheels.length !== 1) {
    console.error(`bundle-server: expected one agentls wheel in ${OUT}, found ${wheels.join(", ") || "none"}`);
    process.exit(1);
  }
  console.log(`bundle-server: ${path.join("bundled", wheels[0])}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
