"""The writing loop: `journal new` (and `plan`) and `edit` open the editor and check the
entry after it, with an offer to open it again while it has errors.

`new` creates a file that did not exist (O_EXCL, journal/atomic.py): with the editor, the
text is written outside entries/ first and moved in once something was written, so neither
a preview nor a build ever sees a half-written entry.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from journal.atomic import create_exclusively
from journal.commands.finding import find_file, load_what_parses
from journal.errors import JournalError, Problem, report
from journal.load.entry import Entry, cross_check, parse_entry

if TYPE_CHECKING:
    from journal.commands.scaffold import NewEntry

Ask = Callable[[str], str]


# --- the editor ---------------------------------------------------------------------------------


FALLBACK_EDITORS = ("editor", "vi", "nano")  # as git: the system's choice, then the usual two


def editor_command() -> list[str]:
    """$VISUAL, then $EDITOR, as git does; when neither is set and a person is typing, the
    system's `editor` (Debian's alternatives), then `vi`, then `nano`, the first found."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return shlex.split(value)
    if sys.stdin.isatty():
        for name in FALLBACK_EDITORS:
            if shutil.which(name):
                return [name]
    raise JournalError(
        "no editor found: set $VISUAL or $EDITOR (for example `export EDITOR=nano` in your "
        "shell's profile), or write without one (-m TEXT, or --no-edit)"
    )


def check_entry(root: Path, path: Path) -> list[Problem]:
    """What `journal check` says of this one file, its links to other entries included.
    `path` is under `root` as named (a symlink to a file elsewhere keeps its name here)."""
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [Problem(rel, 1, f"cannot be read: {exc.strerror}", "a readable file")]
    return check_bytes(root, rel, data)


def check_bytes(root: Path, rel: str, data: bytes) -> list[Problem]:
    """What `journal check` would say of `data` saved at `rel` in the journal at `root`."""
    parsed = parse_entry(rel, data)
    problems = list(parsed.problems)
    if parsed.entry is not None:
        others = _other_entries(root, rel)
        problems += [p for p in cross_check([*others, parsed.entry]) if p.path == rel]
    return problems


def _other_entries(root: Path, rel: str) -> list[Entry]:
    journal, _broken = load_what_parses(root)  # others' own errors are `check`'s to report
    return [e for e in journal.entries if e.path != rel]


def follows_problems(root: Path, rel: str, entry: Entry) -> list[Problem]:
    """What `check` would say of a new entry's `follows`, and, where it names an entry that
    does not parse, that entry's first error and where it is."""
    journal, broken = load_what_parses(root)
    others = [e for e in journal.entries if e.path != rel]
    for problem in broken:
        if Path(problem.path).stem == entry.follows:
            return [
                Problem(
                    rel,
                    entry.lines.get("follows", 1),
                    f"follows `{entry.follows}`, which has errors: {problem}",
                    f"that entry fixed first: journal edit {entry.follows}",
                )
            ]
    return [p for p in cross_check([*others, entry]) if p.path == rel]


def edit_until_valid(root: Path, path: Path, ask: Ask = input) -> int:
    """Open the editor, then check; on errors show them and offer to open it again, as
    `crontab -e` does. The file is kept whatever the answer: it is the user's text."""
    command = editor_command()
    while True:
        _run_editor(command, path)
        problems = check_entry(root, path)
        errors = [p for p in problems if p.severity == "error"]
        if problems:
            print(report(problems), file=sys.stderr)
        if not errors:
            print(path)
            return 0
        if not _open_again(ask, path):
            return 1


def edit_entry(root: Path, what: str) -> int:
    """`journal edit`: the entry named by id, path, `last` or title words, broken ones too."""
    return edit_until_valid(root, find_file(root, what))


def _run_editor(command: list[str], path: Path) -> None:
    try:
        subprocess.run([*command, str(path)], check=False)
    except OSError as exc:
        raise JournalError(f"cannot start the editor {command[0]!r}: {exc.strerror}") from None


def _open_again(ask: Ask, path: Path) -> bool:
    """Whether to reopen a file that has errors; when not, where it is kept is said."""
    try:
        answer = ask("Open it again to fix this? [Y/n] ")
    except EOFError:
        answer = "n"
    if answer.strip().lower() in ("n", "no"):
        print(f"{path} is kept as it is; `journal check` lists what to fix.", file=sys.stderr)
        return False
    return True


def _untouched(data: bytes, template: str) -> bool:
    """Nothing written: the file is empty, or the template as it was (line ends and trailing
    spaces aside)."""

    def lines(text: str) -> list[str]:
        return [line.rstrip() for line in text.strip().splitlines()]

    text = data.decode("utf-8", "replace")
    return not text.strip() or lines(text) == lines(template)


def write_with_editor(root: Path, path: Path, template: str, ask: Ask = input) -> int:
    """`journal new` and `plan` with an editor: the template goes into a temporary file
    outside entries/, so neither a preview nor a build ever sees a half-written entry; it
    moves to `path` (atomically, never over a file) only once the editor saved something.
    An untouched template is discarded with one line, as git and jrnl do."""
    command = editor_command()
    rel = path.relative_to(root).as_posix()
    folder = Path(tempfile.mkdtemp(prefix="journal-new-"))
    draft = folder / path.name
    draft.write_text(template, encoding="utf-8")
    keep = False
    try:
        while True:
            _run_editor(command, draft)
            data = draft.read_bytes()
            if _untouched(data, template):
                print("nothing saved: the entry was left empty", file=sys.stderr)
                return 1
            problems = check_bytes(root, rel, data)
            if problems:
                print(report(problems), file=sys.stderr)
            if not any(p.severity == "error" for p in problems):
                break
            if not _open_again(ask, path):
                break
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            create_exclusively(path, data)
        except (OSError, JournalError) as exc:
            keep = True
            why = "it already exists" if isinstance(exc, FileExistsError) else str(exc)
            raise JournalError(
                f"{path}: not written ({why}); your text is kept in {draft}"
            ) from None
        print(path)
        return 1 if any(p.severity == "error" for p in problems) else 0
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def write_new(root: Path, new: NewEntry, *, edit: bool) -> int:
    """`new` and `plan`: checked first; with the editor (`edit` and no body given), written
    outside entries/ and moved in once something was written; else written at once."""
    from journal.commands.domains import near_domain_warning
    from journal.commands.scaffold import create_exclusive, planned_entry

    path, text = planned_entry(root, new)
    warning = near_domain_warning(root, new.domain)
    if warning:
        print(warning, file=sys.stderr)
    if new.body is None and edit:
        editor_command()  # no editor: refused before anything is written
        return write_with_editor(root, path, text)
    create_exclusive(path, text)
    print(path)
    return 0
