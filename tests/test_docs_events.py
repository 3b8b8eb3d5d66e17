"""``events`` in the docs plugins: a journey drawn with the numbers fitted to an event log,
as ``cjdsl render --events`` draws it; the log is in the cache key (an unchanged log
rebuilds without DuckDB, a changed one re-renders), and a missing data extra or log is a
located message naming what to do. Real MkDocs and Sphinx builds in child processes."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

from .conftest import need_dot

PAGE = """\
# Laden

```journey {events=data/log.csv}
journey "Laden"
entry touchpoint web "Website" { reach 100 }
goal bought "Gekauft" { event "Kauf" }
web -> bought 10%
```
"""

LOG = (
    "user_id,timestamp,event\n"
    "u1,2024-03-01 10:00,Website\nu1,2024-03-01 10:05,Kauf\n"
    "u2,2024-03-01 11:00,Website\n"
    "u3,2024-03-01 11:00,Website\nu3,2024-03-01 11:30,Kauf\n"
)

NO_DUCKDB = "import sys, runpy; sys.modules['duckdb'] = None; "


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}


def _site(root: pathlib.Path) -> None:
    (root / "docs" / "data").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (root / "docs" / "data" / "log.csv").write_text(LOG, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Laden\nplugins:\n  - cjdsl:\n      theme: light\n", encoding="utf-8"
    )


def _mkdocs(root: pathlib.Path, *, duckdb: bool = True) -> tuple[int, str, str]:
    prelude = "" if duckdb else NO_DUCKDB
    code = f"{prelude}import sys, runpy; sys.argv = ['mkdocs', 'build', '--strict']; "
    code += "runpy.run_module('mkdocs', run_name='__main__')"
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        env=_env(),
        timeout=300,
    )
    page = root / "site" / "index.html"
    html = page.read_text("utf-8") if page.exists() else ""
    return run.returncode, run.stderr.decode("utf-8"), html


def test_a_fence_shows_the_fitted_numbers_and_the_log_keys_the_cache(
    tmp_path: pathlib.Path,
) -> None:
    need_dot()
    _site(tmp_path)
    code, err, html = _mkdocs(tmp_path)
    assert code == 0, err
    assert "66.7%" in html and "10%" not in html  # 2 of 3 journeys bought
    again, err, cached = _mkdocs(tmp_path, duckdb=False)  # unchanged: from the cache
    assert again == 0, err
    assert cached.rsplit("<!--", 1)[0] == html.rsplit("<!--", 1)[0]  # MkDocs' build date
    with (tmp_path / "docs" / "data" / "log.csv").open("a", encoding="utf-8") as log:
        log.write("u4,2024-03-02 09:00,Website\n")
    code, err, html = _mkdocs(tmp_path)
    assert code == 0, err
    assert "50%" in html and "66.7%" not in html  # re-rendered: 2 of 4
    assert (tmp_path / "docs" / "index.md").read_text("utf-8") == PAGE


def test_without_the_data_extra_the_build_says_what_to_install(tmp_path: pathlib.Path) -> None:
    need_dot()
    _site(tmp_path)
    code, err, _ = _mkdocs(tmp_path, duckdb=False)
    assert code == 1
    assert (
        "WARNING -  cjdsl: docs/index.md:3: cannot render the journey: events: reading event "
        "logs needs the data extra (duckdb is missing): pip install 'cjdsl[data]'"
    ) in err
    assert "Traceback" not in err


def test_a_missing_log_is_a_located_warning(tmp_path: pathlib.Path) -> None:
    need_dot()
    _site(tmp_path)
    (tmp_path / "docs" / "data" / "log.csv").unlink()
    code, err, _ = _mkdocs(tmp_path)
    assert code == 1
    assert "cjdsl: docs/index.md:3: cannot render the journey: events: " in err
    assert "data/log.csv: no such file" in err


def test_sphinx_takes_a_site_wide_log_relative_to_the_sources(tmp_path: pathlib.Path) -> None:
    need_dot()
    src = tmp_path / "src"
    (src / "data").mkdir(parents=True)
    (src / "data" / "log.csv").write_text(LOG, encoding="utf-8")
    (src / "conf.py").write_text(
        'extensions = ["cjdsl.sphinx"]\ncjdsl_events = "data/log.csv"\ncjdsl_theme = "light"\n',
        encoding="utf-8",
    )
    body = "\n".join("   " + line for line in PAGE.split("```")[1].splitlines()[1:])
    (src / "index.rst").write_text(f"Laden\n=====\n\n.. journey::\n\n{body}\n", encoding="utf-8")
    argv = [sys.executable, "-m", "sphinx", "-b", "html", "-W", str(src), str(tmp_path / "out")]
    run = subprocess.run(argv, capture_output=True, env=_env(), timeout=300)
    assert run.returncode == 0, run.stderr.decode("utf-8")
    html = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert "66.7%" in html and "10%" not in html
    with (src / "data" / "log.csv").open("a", encoding="utf-8") as log:
        log.write("u4,2024-03-02 09:00,Website\n")
    again = subprocess.run(argv, capture_output=True, env=_env(), timeout=300)  # not -E
    assert again.returncode == 0, again.stderr.decode("utf-8")
    html = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert "50%" in html and "66.7%" not in html  # the log is the page's dependency


def test_a_german_log_is_read_with_its_time_format(tmp_path: pathlib.Path) -> None:
    need_dot()
    _site(tmp_path)
    german = LOG.replace("2024-03-01 ", "01.03.2024 ")
    (tmp_path / "docs" / "data" / "log.csv").write_text(german, encoding="utf-8")
    code, err, _ = _mkdocs(tmp_path)
    assert code == 1 and "--time-format '%d.%m.%Y %H:%M'" in err  # the hint, at the fence
    page = PAGE.replace(
        "{events=data/log.csv}", '{events=data/log.csv events-time-format="%d.%m.%Y %H:%M"}'
    )
    (tmp_path / "docs" / "index.md").write_text(page, encoding="utf-8")
    code, err, html = _mkdocs(tmp_path)
    assert code == 0, err
    assert "66.7%" in html
