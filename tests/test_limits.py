"""Limits with clear messages, and nothing lost: file size, imports, Graphviz caps, writes.

Sizes are tested against a lowered limit (monkeypatched), never with files of
the real 64 MiB.
"""

from __future__ import annotations

import os
import pathlib
import sys
import time

import pytest

from cjdsl import codes, files, pipeline, resolving
from cjdsl.errors import CjdslError, RenderError
from cjdsl.rendering import engines
from cjdsl.source import SourceFile

HEADER = 'journey "Limits"\n'


def set_limit(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """A smaller size limit, wherever a module reads it."""
    for module in (pipeline, files, resolving):
        monkeypatch.setattr(module, "MAX_SOURCE_BYTES", size)


def compile_file(path: pathlib.Path, **options: object) -> pipeline.Document:
    return pipeline.compile_bytes(path.read_bytes(), str(path), **options)  # type: ignore[arg-type]


def found(doc: pipeline.Document) -> list[tuple[str, int, int]]:
    """Each diagnostic as (code, line, column)."""
    return [(d.code.id, d.span.line, d.span.col) for d in doc.diagnostics]


# -- file size ------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_one_cj007_at_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_limit(monkeypatch, 1000)
    doc = pipeline.compile_bytes(HEADER.encode() + b"# padding\n" * 200, "big.journey")
    assert found(doc) == [("CJ007", 1, 1)]
    assert doc.journey is None
    message = doc.diagnostics[0].message
    assert message == "the file is 2.0 kB, more than the 1.0 kB cjdsl reads"


def test_fmt_leaves_a_file_over_the_size_limit_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    from click.testing import CliRunner

    from cjdsl.cli import cli

    set_limit(monkeypatch, 1000)
    big = tmp_path / "big.journey"
    data = HEADER.encode() + b"# padding\n" * 200
    big.write_bytes(data)
    done = CliRunner().invoke(cli, ["fmt", str(big)])
    assert done.exit_code == 1 and "CJ007" in done.output
    assert big.read_bytes() == data


def test_a_text_over_the_size_limit_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    set_limit(monkeypatch, 1000)
    doc = pipeline.compile_source(SourceFile("big.journey", HEADER + "ä" * 600))  # 1.2 kB
    assert found(doc) == [("CJ007", 1, 1)]


def test_a_file_at_the_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (HEADER + "# pad\n" * 20).encode()
    set_limit(monkeypatch, len(data))
    assert pipeline.compile_bytes(data, "ok.journey").journey is not None


def test_an_import_over_the_limit_is_cj007_at_the_import_and_not_read_whole(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_limit(monkeypatch, 100)
    (tmp_path / "huge.journey").write_text('channel web "Web"\n' + "#\n" * 500, encoding="utf-8")
    main = tmp_path / "main.journey"
    main.write_text(HEADER + 'import "huge.journey"\n', encoding="utf-8")
    with pytest.raises(OSError) as error:
        resolving.import_text(files.read_bounded(tmp_path / "huge.journey"), tmp_path)
    assert error.value.errno == 27  # EFBIG
    assert found(compile_file(main)) == [("CJ007", 2, 8)]


def test_a_reader_that_returns_too_much_is_caught_by_resolving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(resolving, "MAX_SOURCE_BYTES", 100)
    source = SourceFile("/tmp/x/main.journey", HEADER + 'import "other.journey"\n')
    journey, _syntax, diagnostics = resolving.compile_model(
        source, read=lambda path: ('channel web "Web"\n' + "#\n" * 500).encode()
    )
    assert [d.code.id for d in diagnostics] == ["CJ007"]
    assert journey is not None and journey.channels == ()


# -- imports --------------------------------------------------------------------------------


def test_imports_nested_too_deep_are_refused_with_the_limit(tmp_path: pathlib.Path) -> None:
    depth = resolving.MAX_IMPORT_DEPTH + 2
    for i in range(depth):
        (tmp_path / f"f{i}.journey").write_text(f'import "f{i + 1}.journey"\n', encoding="utf-8")
    (tmp_path / f"f{depth}.journey").write_text('channel web "Web" online\n', encoding="utf-8")
    main = tmp_path / "main.journey"
    main.write_text(HEADER + 'import "f0.journey"\n', encoding="utf-8")
    doc = compile_file(main)
    deep = [d for d in doc.diagnostics if d.code is codes.IMPORT_CYCLE]
    assert len(deep) == 1
    assert f"deeper than {resolving.MAX_IMPORT_DEPTH} files" in deep[0].message


def test_an_import_cycle_names_the_chain(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a.journey").write_text('import "b.journey"\n', encoding="utf-8")
    (tmp_path / "b.journey").write_text('import "a.journey"\n', encoding="utf-8")
    main = tmp_path / "main.journey"
    main.write_text(HEADER + 'import "a.journey"\n', encoding="utf-8")
    (cycle,) = [d for d in compile_file(main).diagnostics if d.code is codes.IMPORT_CYCLE]
    assert cycle.message == "import cycle: main.journey -> a.journey -> b.journey -> a.journey"


@pytest.fixture
def project(tmp_path: pathlib.Path) -> pathlib.Path:
    """docs/ (the root) with a journey, a shared file inside and a secret outside."""
    docs = tmp_path / "docs"
    (docs / "shared").mkdir(parents=True)
    (docs / "shared" / "common.journey").write_text('channel web "Web" online\n', "utf-8")
    (tmp_path / "secret.journey").write_text('channel leak "Secret" online\n', "utf-8")
    return docs


def test_imports_inside_the_root_are_read(project: pathlib.Path) -> None:
    page = project / "page.journey"
    page.write_text(HEADER + 'import "shared/common.journey"\n', "utf-8")
    doc = compile_file(page, root=project)
    assert doc.journey is not None and [c.id for c in doc.journey.channels] == ["web"]
    assert not [d for d in doc.diagnostics if d.code is codes.IMPORT_OUTSIDE_ROOT]


def test_an_import_leaving_the_root_is_refused_and_not_read(project: pathlib.Path) -> None:
    page = project / "page.journey"
    page.write_text(HEADER + 'import "../secret.journey"\n', "utf-8")
    read: list[pathlib.Path] = []

    def spy(path: pathlib.Path) -> bytes:
        read.append(path)
        return files.read_bounded(path)

    doc = pipeline.compile_bytes(page.read_bytes(), str(page), read=spy, root=project)
    assert found(doc)[:1] == [("CJ114", 2, 8)]
    assert "leads out of the project folder" in doc.diagnostics[0].message
    assert read == []
    assert doc.journey is not None and doc.journey.channels == ()
    # Without a root (the CLI), the same import is allowed.
    assert [c.id for c in compile_file(page).journey.channels] == ["leak"]  # type: ignore[union-attr]


def test_a_symlink_out_of_the_root_is_refused(project: pathlib.Path) -> None:
    (project / "link.journey").symlink_to(project.parent / "secret.journey")
    page = project / "page.journey"
    page.write_text(HEADER + 'import "link.journey"\n', "utf-8")
    assert [c for c, _, _ in found(compile_file(page, root=project))][:1] == ["CJ114"]


def test_the_root_holds_for_imports_of_imports(project: pathlib.Path) -> None:
    (project / "shared" / "hop.journey").write_text('import "../../secret.journey"\n', "utf-8")
    page = project / "page.journey"
    page.write_text(HEADER + 'import "shared/hop.journey"\n', "utf-8")
    assert "CJ114" in [c for c, _, _ in found(compile_file(page, root=project))]


# -- Graphviz caps --------------------------------------------------------------------------


def test_the_memory_cap_applies_to_the_running_child() -> None:
    """A child that asks for more memory than the cap allows fails, with the cap named."""
    hungry = [sys.executable, "-c", "import sys; sys.stdin.read(); x = bytearray(600 * 2**20)"]
    limits = engines.Limits(timeout=30.0, memory_mb=200)
    with pytest.raises(RenderError, match=r"memory cap 200 MB"):
        engines._run(hungry, "digraph {}", limits, "dot")
    # the same child within its means succeeds
    modest = [sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read())"]
    assert engines._run(modest, "digraph {}", limits, "dot") == b"digraph {}"


def test_a_child_that_hangs_is_stopped_at_the_timeout() -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    began = time.monotonic()
    with pytest.raises(RenderError, match="did not finish within 1 s"):
        engines._run(sleeper, "digraph {}", engines.Limits(timeout=1.0, memory_mb=200), "dot")
    assert time.monotonic() - began < 30


# -- nothing lost ---------------------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.svg"
    target.write_bytes(b"old")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        files.write_output(str(target), b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.svg"]


def test_a_failed_write_never_creates_an_empty_file(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        files.write_atomic(tmp_path / "new.svg", b"data")
    assert list(tmp_path.iterdir()) == []


def test_output_equal_to_input_is_refused_before_anything_is_written(
    tmp_path: pathlib.Path,
) -> None:
    source = tmp_path / "shop.journey"
    source.write_text(HEADER, "utf-8")
    (tmp_path / "alias.journey").symlink_to(source)
    for target in (
        str(source),
        str(tmp_path / "." / "shop.journey"),
        str(tmp_path / "alias.journey"),
    ):
        with pytest.raises(CjdslError, match="refusing to overwrite the input"):
            files.refuse_input(str(source), target)
        with pytest.raises(CjdslError):
            files.write_output(target, b"<svg/>", source=str(source))
    assert source.read_text("utf-8") == HEADER


def test_other_outputs_and_stdout_are_allowed(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "shop.journey"
    source.write_text(HEADER, "utf-8")
    files.refuse_input(str(source), "-")
    files.refuse_input("-", str(source))
    files.write_output(str(tmp_path / "shop.svg"), b"<svg/>", source=str(source))
    assert (tmp_path / "shop.svg").read_bytes() == b"<svg/>"


def test_a_huge_file_is_refused_without_being_read_whole(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    """`load`, the command line and `watch` read one byte past the limit, no more."""
    from click.testing import CliRunner

    import cjdsl
    from cjdsl.cli import cli

    set_limit(monkeypatch, 1000)
    huge = tmp_path / "huge.journey"
    with huge.open("wb") as handle:  # 1 GiB, sparse: reading it whole would show
        handle.write(HEADER.encode())
        handle.truncate(2**30)
    read: list[int] = []
    original = files.read_bounded

    def spy(path: pathlib.Path) -> bytes:
        data = original(path)
        read.append(len(data))
        return data

    monkeypatch.setattr(files, "read_bounded", spy)
    doc = cjdsl.load(huge, raise_on_error=False)
    assert found(doc) == [("CJ007", 1, 1)]
    assert doc.diagnostics[0].message == "the file is larger than the 1.0 kB cjdsl reads"
    done = CliRunner().invoke(cli, ["check", str(huge)])
    assert done.exit_code == 1 and "CJ007" in done.output
    assert read == [1001, 1001]
