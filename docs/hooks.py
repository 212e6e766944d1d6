"""mkdocs hook: run the examples the pages name and put their printed output into the pages.

A page asks for an example's output with the marker ``<!-- output: examples/NAME.py -->``; the
hook replaces it with a code block of what the script printed when the site was built. Scripts
run once per build (two at a time, in the ``on_pre_build`` step), so every figure on the pages
comes from code that ran. ``SKWEIGHT_EXAMPLE_EPOCHS`` passes through to them (unset: each
script's own default); ``SKWEIGHT_DOCS_JOBS`` sets how many run at once. A failing script fails
the build.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"<!--\s*output:\s*(examples/[\w-]+\.py)\s*-->")
TIMEOUT_S = 600

log = logging.getLogger("mkdocs.hooks.examples")
_outputs: dict[str, tuple[int, str]] = {}


def _scripts(docs_dir: Path) -> list[str]:
    found = set()
    for page in docs_dir.rglob("*.md"):
        found.update(MARKER.findall(page.read_text(encoding="utf-8")))
    return sorted(found)


def _run(script: str) -> tuple[int, str]:
    path = ROOT / script
    if os.environ.get("SKWEIGHT_DOCS_EXAMPLES") == "skip":
        return -1, f"(output of {script} not generated: SKWEIGHT_DOCS_EXAMPLES=skip)"
    if not path.is_file():
        raise PluginError(f"docs: {script} is named by a page but does not exist")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise PluginError(
            f"docs: {script} exited with status {proc.returncode}:\n{proc.stderr[-3000:]}"
        )
    log.info("ran %s in %.1f s", script, time.perf_counter() - start)
    return path.stat().st_mtime_ns, proc.stdout.rstrip()


def on_pre_build(config, **kwargs) -> None:
    """Run every example a page names (again only if the script changed since the last run)."""
    stale = [
        script
        for script in _scripts(Path(config["docs_dir"]))
        if script not in _outputs or _outputs[script][0] != (ROOT / script).stat().st_mtime_ns
    ]
    jobs = max(1, int(os.environ.get("SKWEIGHT_DOCS_JOBS", "2")))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for script, result in zip(stale, pool.map(_run, stale), strict=True):
            _outputs[script] = result


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Replace each output marker with the script's printed output."""

    def output(match: re.Match) -> str:
        script = match.group(1)
        if script not in _outputs:
            raise PluginError(f"docs: no output for {script}")
        return f'```text title="python {script}"\n{_outputs[script][1]}\n```'

    return MARKER.sub(output, markdown)
