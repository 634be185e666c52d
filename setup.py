"""Copy the top-level agents/ into the wheel as agentls/bundled_agents."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithBundledAgents(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).parent / "agents"
        target = Path(self.build_lib) / "agentls" / "bundled_agents"
        target.mkdir(parents=True, exist_ok=True)
        for agent_file in sorted(source.glob("*.md")):
            (target / agent_file.name).write_bytes(agent_file.read_bytes())


setup(cmdclass={"build_py": BuildWithBundledAgents})
