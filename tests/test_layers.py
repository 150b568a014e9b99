"""The layers stay apart: read from the source with `ast`, so a shortcut that works fails
here before it becomes the way things are done.

- render.py turns pages into bytes: it imports neither the loader (journal.load) nor a page
  family (journal.pages.<family>); what it needs of them is handed to its Renderer.
- cli.py parses arguments: every function but the parser is a few lines, one call into
  journal/commands/ and what it prints.
- the preview (serve.py) and publishing (journal/publish/) do not manage the memo.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "journal"

# Page infrastructure every layer above the loader may use: the Page itself, site paths.
NEUTRAL_PAGE_MODULES = {"journal.pages.page", "journal.pages.paths"}
CLI_FUNCTION_LINES = 30  # main() is 26; a workflow creeping back in is longer


def imports(source: str, module: str) -> list[tuple[int, str]]:
    """(line, module) of every import in `source`, at any depth (inside functions and
    `if TYPE_CHECKING:` too); relative imports resolved against `module`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.rsplit(".", node.level)[0]
                base = f"{parent}.{base}" if base else parent
            found.append((node.lineno, base))
            # `from journal import memo` names a module too
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def module_imports(path: Path) -> list[tuple[int, str]]:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return imports(path.read_text(encoding="utf-8"), ".".join(rel.parts))


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_import_reader_finds_imports_at_any_depth():
    """What the rules below rely on: an import inside a function, under TYPE_CHECKING, of a
    module by `from package import module`, and a relative one, are all found."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from journal.load.entry import Entry\n"
        "def f():\n"
        "    import journal.pages.search\n"
        "from journal import memo\n"
        "from .load import files\n"
    )
    names = {name for _, name in imports(source, "journal.render")}
    assert {"journal.load.entry", "journal.pages.search", "journal.memo"} <= names
    assert "journal.load.files" in names


def test_render_imports_neither_the_loader_nor_a_page_family():
    wrong = [
        f"journal/render.py:{line}: imports {name}"
        for line, name in module_imports(PACKAGE / "render.py")
        if within(name, "journal.load")
        or (
            within(name, "journal.pages")
            and not any(within(name, ok) for ok in NEUTRAL_PAGE_MODULES)
        )
    ]
    assert wrong == []


def test_cli_functions_only_parse_arguments():
    """Every function of cli.py but the parser fits in a few lines: the work is done in
    journal/commands/, so it can be read and tested without argparse."""
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    long = [
        f"journal/cli.py:{node.lineno}: {node.name} is {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name != "parser"
        and node.end_lineno - node.lineno + 1 > CLI_FUNCTION_LINES
    ]
    assert long == []


def test_the_preview_and_publishing_do_not_manage_the_memo():
    paths = [PACKAGE / "serve.py", *sorted((PACKAGE / "publish").glob("*.py"))]
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: imports {name}"
        for path in paths
        for line, name in module_imports(path)
        if within(name, "journal.memo")
    ]
    assert wrong == []
