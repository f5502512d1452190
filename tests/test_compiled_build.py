"""The compiled build (``EXTRACTOR_COMPILE=1 pip install .``): mypyc compiles the hot modules of
the same source, and the facts must not change by a character.

The wheel is built the way a user builds it, through pip and the project's build backend (which
asks the registry for the pinned mypy), from a copy of the project; then the corpus and 300
synthetic articles go through the compiled and the pure package, each in its own interpreter,
and every stored row (spans included) is compared.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_BACKEND = importlib.util.spec_from_file_location(
    "extractor_build", ROOT / "build_backend" / "extractor_build.py")
assert _BACKEND is not None and _BACKEND.loader is not None
backend = importlib.util.module_from_spec(_BACKEND)
_BACKEND.loader.exec_module(backend)

# Every row of every article, through the package first on sys.path: written to argv[1].
_DUMP = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, str(Path(sys.argv[2]) / "benchmarks"))
import make_archive
import extractor
from extractor.build_info import compiled_modules
from extractor.document import Document
from extractor.pipeline import process
from extractor.store import article_rows
texts = [(p.stem, p.read_text(encoding="utf-8"))
         for p in sorted((Path(sys.argv[2]) / "corpus").glob("*.txt"))]
texts += list(make_archive.articles(300, 5))
out = {}
for aid, t in texts:
    rows = article_rows(process(Document(aid, t)).to_record(), "x")
    rows["articles"][0].pop("processed_at")
    out[aid] = rows
Path(sys.argv[1]).write_text(json.dumps({"file": extractor.__file__,
                                         "compiled": compiled_modules(), "rows": out}))
"""


def test_the_backend_asks_for_mypy_only_for_the_compiled_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend._setuptools, "get_requires_for_build_wheel", lambda cs=None: [])
    monkeypatch.delenv("EXTRACTOR_COMPILE", raising=False)
    assert backend.get_requires_for_build_wheel() == []
    monkeypatch.setenv("EXTRACTOR_COMPILE", "1")
    assert backend.get_requires_for_build_wheel() == ["mypy==2.4.1"]
    monkeypatch.setenv("EXTRACTOR_COMPILE", "0")
    assert backend.get_requires_for_build_wheel() == []


def _dump(python_path: Path, out: Path) -> dict:  # type: ignore[type-arg]
    env = {**os.environ, "PYTHONPATH": str(python_path)}
    subprocess.run([sys.executable, "-c", _DUMP, str(out), str(ROOT)], check=True, env=env,
                   timeout=600)
    return json.loads(out.read_text())


@pytest.mark.skipif(importlib.util.find_spec("mypyc") is None or shutil.which("cc") is None,
                    reason="needs mypy's mypyc (the test extra) and a C compiler")
def test_the_compiled_build_stores_the_same_facts(tmp_path: Path) -> None:
    proj = tmp_path / "project"
    proj.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, proj / name)
    for name in ("build_backend", "src"):
        shutil.copytree(ROOT / name, proj / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.egg-info"))
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                            str(wheels), str(proj)], env={**os.environ, "EXTRACTOR_COMPILE": "1"},
                           capture_output=True, text=True, timeout=1200)
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = wheels.glob("extractor-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)

    compiled = _dump(site, tmp_path / "compiled.json")
    pure = _dump(ROOT / "src", tmp_path / "pure.json")

    assert compiled["file"].startswith(str(site))
    assert len(compiled["compiled"]) == len(backend.modules_to_compile())
    assert pure["file"].startswith(str(ROOT / "src")) and pure["compiled"] == []
    assert len(pure["rows"]) == 65 + 300
    differ = [aid for aid in pure["rows"] if compiled["rows"].get(aid) != pure["rows"][aid]]
    assert differ == [], f"{len(differ)} articles differ, first {differ[:3]}"
