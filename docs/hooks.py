"""mkdocs hook: run the examples the pages name and put what they print and draw into the pages.

* ``<!-- output: examples/NAME.py -->`` becomes a code block of what the script printed when the
  site was built.
* ``<!-- value: examples/NAME.py "LABEL" -->`` becomes the rest of the first printed line that
  starts with ``LABEL`` (after a colon, if any): a number quoted in a sentence, such as a page's
  one-line answer, comes from the same run as the output block.
* Figures: each script runs with ``SKWEIGHT_FIGURES`` set to a build folder and saves its PNGs
  there; they are published as ``figures/NAME.png`` for pages to embed. A figure no page shows
  is a warning (so an error under ``--strict``).

Scripts run once per build (two at a time, in the ``on_pre_build`` step), so every number and
every figure on the pages comes from code that ran. ``SKWEIGHT_EXAMPLE_EPOCHS`` passes through
to them (unset: each script's own default); ``SKWEIGHT_DOCS_JOBS`` sets how many run at once. A
failing script, or a label no line starts with, fails the build. The version in the header is
read from ``pyproject.toml``.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from skweight.weighting.registry import REFERENCE_MARKER, reference_entries

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"<!--\s*output:\s*(examples/[\w-]+\.py)\s*-->")
INDENTED_MARKER = re.compile(r"^([ \t]*)<!--\s*output:\s*(examples/[\w-]+\.py)\s*-->", re.M)
VALUE = re.compile(r'<!--\s*value:\s*(examples/[\w-]+\.py)\s+"([^"]+)"\s*-->')
FIGURE_REF = re.compile(r"figures/([\w.-]+\.png)")
TIMEOUT_S = 600
FIGURES = Path(tempfile.mkdtemp(prefix="skweight-figures-"))

log = logging.getLogger("mkdocs.hooks.examples")
_outputs: dict[str, tuple[int, str]] = {}


def _scripts(docs_dir: Path) -> list[str]:
    found = set()
    for page in docs_dir.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        found.update(MARKER.findall(text))
        found.update(script for script, _ in VALUE.findall(text))
    return sorted(found)


def _run(script: str) -> tuple[int, str]:
    path = ROOT / script
    if os.environ.get("SKWEIGHT_DOCS_EXAMPLES") == "skip":
        return -1, f"(output of {script} not generated: SKWEIGHT_DOCS_EXAMPLES=skip)"
    if not path.is_file():
        raise PluginError(f"docs: {script} is named by a page but does not exist")
    env = {
        **os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1",
        "SKWEIGHT_FIGURES": str(FIGURES), "MPLBACKEND": "Agg",
    }  # fmt: skip
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


def on_config(config, **kwargs):
    """Show the package's version next to the site name."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE).group(1)
    if not config["site_name"].endswith(version):
        config["site_name"] = f"{config['site_name']} {version}"
    return config


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


def on_files(files, config, **kwargs):
    """Publish the figures the examples saved as ``figures/NAME.png``."""
    for path in sorted(FIGURES.glob("*.png")):
        files.append(File.generated(config, f"figures/{path.name}", abs_src_path=str(path)))
    return files


def _printed(script: str) -> str:
    if script not in _outputs:
        raise PluginError(f"docs: no output for {script}")
    return _outputs[script][1]


def _value(script: str, label: str) -> str:
    for line in _printed(script).splitlines():
        line = line.strip()
        if line.startswith(label):
            return line[len(label) :].strip().removeprefix(":").strip()
    if os.environ.get("SKWEIGHT_DOCS_EXAMPLES") == "skip":
        return "(not run)"
    raise PluginError(f"docs: no line of {script}'s output starts with {label!r}")


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Replace each output marker with the script's printed output, each value marker with
    the value it names."""

    def output(match: re.Match) -> str:  # keeps the marker's indentation (admonitions)
        indent, script = match.group(1), match.group(2)
        block = f'```text title="python {script}"\n{_printed(script)}\n```'
        return "\n".join(indent + line if line else line for line in block.splitlines())

    markdown = VALUE.sub(lambda m: _value(m.group(1), m.group(2)), markdown)
    if REFERENCE_MARKER in markdown:  # one API entry per registered strategy
        entries = reference_entries()
        markdown = markdown.replace(REFERENCE_MARKER, entries)
    _shown.update(FIGURE_REF.findall(markdown))
    return INDENTED_MARKER.sub(output, markdown)


_shown: set[str] = set()


def on_post_build(config, **kwargs) -> None:
    """Every figure an example drew is on some page."""
    for path in sorted(FIGURES.glob("*.png")):
        if path.name not in _shown:
            log.warning("docs: figures/%s was drawn by an example but no page shows it", path.name)
    _shown.clear()
