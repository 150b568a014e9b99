"""The writing loop: `journal new` and `edit` open the editor and check the entry after it,
`list` finds entries, `domains` lists the domains and renames one.

Every change to a user's file is one the command says it makes: `new` creates a file
that did not exist (O_EXCL); `domains rename --apply` rewrites only the `domain:` line of
the entries concerned (and the `[domains.…]` header of journal.toml), every other byte
kept, CRLF too. It changes all of them or none: every file is checked first, then every
new text is written beside its file, then they are renamed into place (journal/atomic.py);
a symlink is written through, never replaced.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from journal.atomic import blocked, create_exclusively, replace_all
from journal.errors import JournalError, Problem, ProblemsError, report
from journal.load.entry import Entry, cross_check, parse_entry
from journal.load.journal import Journal, load_journal
from journal.text import slugify

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


def load_what_parses(root: Path) -> tuple[Journal, list[Problem]]:
    """Every entry that parses, and the first error of each file that does not: the tools
    that find and list entries (`edit`, `list`, `domains`, `new --follows`) keep working on
    a journal with a broken file, and say which one."""
    try:
        return load_journal(root), []
    except ProblemsError:
        pass
    from journal.config import load_config
    from journal.load.files import read_sources

    config, _ = load_config(root)
    sources = read_sources(root)
    entries: list[Entry] = []
    bodies = {}
    broken: dict[str, Problem] = {}
    for relpath, data in sources.entries:
        parsed = parse_entry(relpath, data)
        errors = [p for p in parsed.problems if p.severity == "error"]
        if errors or parsed.entry is None or parsed.body is None:
            broken[relpath] = errors[0] if errors else Problem(relpath, 1, "cannot be read", None)
        else:
            entries.append(parsed.entry)
            bodies[parsed.entry.id] = parsed.body
    for problem in sources.problems:
        if problem.severity == "error" and problem.path.endswith(".md"):
            broken.setdefault(problem.path, problem)
    warnings = tuple(p for p in cross_check(entries) if p.severity == "warning")
    entries.sort(key=lambda e: e.sort_key)
    journal = Journal(root, config, tuple(entries), bodies, warnings)
    return journal, sorted(broken.values())


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


def broken_lines(broken: list[Problem]) -> list[str]:
    """One line each: the file's first error and the command that opens it."""
    return [f"{p} [has errors: `journal edit {Path(p.path).stem}` opens it]" for p in broken]


def edit_until_valid(root: Path, path: Path, ask: Ask = input) -> int:
    """Open the editor, then check; on errors show them and offer to open it again, as
    `crontab -e` does. The file is kept whatever the answer: it is the user's text."""
    command = editor_command()
    while True:
        try:
            subprocess.run([*command, str(path)], check=False)
        except OSError as exc:
            raise JournalError(f"cannot start the editor {command[0]!r}: {exc.strerror}") from None
        problems = check_entry(root, path)
        errors = [p for p in problems if p.severity == "error"]
        if problems:
            print(report(problems), file=sys.stderr)
        if not errors:
            print(path)
            return 0
        try:
            answer = ask("Open it again to fix this? [Y/n] ")
        except EOFError:
            answer = "n"
        if answer.strip().lower() in ("n", "no"):
            print(f"{path} is kept as it is; `journal check` lists what to fix.", file=sys.stderr)
            return 1


def _run_editor(command: list[str], path: Path) -> None:
    try:
        subprocess.run([*command, str(path)], check=False)
    except OSError as exc:
        raise JournalError(f"cannot start the editor {command[0]!r}: {exc.strerror}") from None


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
            try:
                answer = ask("Open it again to fix this? [Y/n] ")
            except EOFError:
                answer = "n"
            if answer.strip().lower() in ("n", "no"):
                print(
                    f"{path} is kept as it is; `journal check` lists what to fix.", file=sys.stderr
                )
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


_FRONT_DOMAIN = re.compile(rb"^domain[ \t]*:[ \t]*(.+?)[ \t]*(?:#.*)?$", re.MULTILINE)


def domain_counts(root: Path) -> Counter:
    """Domain slug -> entries naming it, read from each file's `domain:` line alone, so
    broken entries count too and a large journal answers in a moment."""
    from journal.load.files import entry_files

    counts: Counter = Counter()
    if not (root / "entries").is_dir():
        return counts
    for path in entry_files(root):
        try:
            with open(path, "rb") as fh:
                head = fh.read(16384)
        except OSError:
            continue
        found = _FRONT_DOMAIN.search(head)
        if found:
            value = found.group(1).decode("utf-8", "replace").strip().strip("'\"")
            if slugify(value):
                counts[slugify(value)] += 1
    return counts


def near_domain_warning(root: Path, domain: str, counts: Counter | None = None) -> str | None:
    """A warning when `domain` is new and a letter or two from one the journal has."""
    from journal.load.entry import close_domains

    slug = slugify(domain)
    counts = domain_counts(root) if counts is None else counts
    if not slug or slug in counts:
        return None
    near = [(n, other) for other, n in counts.items() if close_domains(slug, other)]
    if not near:
        return None
    many, other = max(near)
    return (
        f"domain `{domain}` is new, and close to `{other}` ({many} "
        f"entr{'y' if many == 1 else 'ies'}): a typo? (did you mean --domain {other}?) [warning]"
    )


# --- finding entries ----------------------------------------------------------------------------


def every_entry(root: Path) -> Journal:
    return load_journal(root)


def list_lines(
    journal: Journal,
    *,
    domain: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[str]:
    """Newest first, one line each: date, kind, domain, title, id."""
    names = domain_names(journal)
    wanted = slugify(domain) if domain else None
    found = [
        e
        for e in reversed(journal.entries)
        if (wanted is None or e.domain == wanted)
        and (kind is None or e.kind == kind)
        and (since is None or e.date >= since)
    ]
    if limit is not None:
        found = found[:limit]
    return [entry_line(e, names) for e in found]


def entry_line(e: Entry, names: dict[str, str]) -> str:
    marks = "".join(f" [{m}]" for m in ("draft", "private") if getattr(e, m))
    return f"{e.date.isoformat()}  {e.kind:<7}  {names[e.domain]}  {e.title}{marks}  {e.id}"


def find_file(root: Path, what: str) -> Path:
    """The file `edit` opens: an entry found by path, by id or by `last` among every entry
    file, broken or not (a broken one's date is its file name's YYYY-MM-DD), else by
    title words among those that parse."""
    journal, broken = load_what_parses(root)
    top = (root / "entries").resolve()
    for path in (Path(what), root / what, root / "entries" / what):
        if path.suffix == ".md" and path.is_file():
            if not path.resolve().is_relative_to(top):
                raise JournalError(
                    f"{what} is not an entry of this journal (expected a file under {top})"
                )
            return path
    by_id = {Path(p.path).stem: root / p.path for p in broken}
    if what in by_id:
        return by_id[what]
    if what == "last" and broken:
        newest = max(broken, key=lambda p: (_name_date(p.path), p.path))
        if not journal.entries or _name_date(newest.path) >= journal.entries[-1].date:
            return root / newest.path
    return root / find_entry(journal, what).path


def _name_date(path: str) -> date:
    try:
        return date.fromisoformat(Path(path).name[:10])
    except ValueError:
        return date.min


def find_entry(journal: Journal, what: str) -> Entry:
    """By id, `last` (the newest), or words that all appear in the title or id."""
    entries = journal.entries
    if not entries:
        raise JournalError("the journal has no entries yet; write one with `journal new`")
    by_id = {e.id: e for e in entries}
    if what in by_id:
        return by_id[what]
    if what == "last":
        return entries[-1]
    words = what.lower().split()
    found = [e for e in entries if all(w in f"{e.title} {e.id}".lower() for w in words)]
    if len(found) == 1:
        return found[0]
    names = domain_names(journal)
    if not found:
        raise JournalError(
            f"no entry's id or title holds {what!r} (expected an id, `last`, or title words)"
        )
    lines = "\n".join(entry_line(e, names) for e in reversed(found))
    raise JournalError(f"{len(found)} entries match {what!r}; give one of these ids:\n{lines}")


# --- domains ------------------------------------------------------------------------------------


def domain_names(journal: Journal) -> dict[str, str]:
    from journal.analyse.analytics import domain_name

    by_slug: dict[str, list[Entry]] = {}
    for e in journal.entries:
        by_slug.setdefault(e.domain, []).append(e)
    return {slug: domain_name(journal.config, slug, items) for slug, items in by_slug.items()}


def domains_lines(journal: Journal) -> list[str]:
    """Each domain: display name, slug, counts and the spellings used; near-duplicates last."""
    names = domain_names(journal)
    counts: dict[str, Counter] = {}
    spellings: dict[str, Counter] = {}
    for e in journal.entries:
        counts.setdefault(e.domain, Counter())[e.kind] += 1
        spellings.setdefault(e.domain, Counter())[e.domain_label] += 1
    order = sorted(names, key=lambda s: (-sum(counts[s].values()), s))
    lines = []
    for slug in order:
        total = sum(counts[slug].values())
        spelt = ", ".join(f"{label!r} ×{n}" for label, n in spellings[slug].most_common())
        lines.append(
            f"{names[slug]}  ({slug})  {total} entr{'y' if total == 1 else 'ies'}: "
            f"{counts[slug]['win']} win{'s' * (counts[slug]['win'] != 1)}, "
            f"{counts[slug]['setback']} setback{'s' * (counts[slug]['setback'] != 1)}"
            + (
                f", {counts[slug]['plan']} open plan{'s' * (counts[slug]['plan'] != 1)}"
                if counts[slug]["plan"]
                else ""
            )
            + f"  spelt {spelt}"
        )
    near = [p for p in journal.warnings if "is close to" in p.message]
    if near:
        lines += ["", "Near-duplicates (a typo splits the evidence; see `journal domains rename`):"]
        lines += [f"  {p}" for p in near]
    return lines


_DOMAIN_LINE = re.compile(rb"^(?P<head>\s*domain\s*:[ \t]*)(?P<value>.*?)(?P<tail>[ \t]+#.*)?$")


@dataclass(frozen=True)
class Rename:
    path: Path
    line: int
    old: bytes
    new: bytes  # the whole file after the change


def yaml_scalar(text: str) -> str:
    """A domain name as a YAML value: plain when that reads back the same, else quoted."""
    import json

    import yaml

    try:
        if yaml.safe_load(f"k: {text}") == {"k": text} and "#" not in text:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


def plan_rename(journal: Journal, old: str, new: str) -> tuple[list[Rename], str | None]:
    """The entries whose domain is `old` (by slug) with their `domain:` line set to `new`,
    and journal.toml's text with `[domains.<old>]` renamed (None: no change there)."""
    old_slug, new_slug = slugify(old), slugify(new)
    if not old_slug or not new_slug:
        raise JournalError("a domain name needs a letter or digit (expected e.g. public-speaking)")
    hits = [e for e in journal.entries if e.domain == old_slug]
    if not hits:
        raise JournalError(f"no entry has the domain {old!r}; `journal domains` lists them")
    value = yaml_scalar(new).encode("utf-8")
    plans = []
    for e in hits:
        path = journal.root / e.path
        data = path.read_bytes()
        lines = data.splitlines(keepends=True)
        number = e.lines.get("domain", 0)
        raw = lines[number - 1] if 0 < number <= len(lines) else b""
        body = raw.rstrip(b"\r\n")
        match = _DOMAIN_LINE.match(body.lstrip(b"\xef\xbb\xbf") if number == 1 else body)
        if match is None:
            raise JournalError(f"{e.path}:{number}: cannot find the `domain:` line to rewrite")
        ending = raw[len(body) :]
        changed = match.group("head") + value + (match.group("tail") or b"") + ending
        lines[number - 1] = changed
        plans.append(Rename(path, number, raw, b"".join(lines)))
    config = journal.root / "journal.toml"
    new_config = None
    if old_slug != new_slug and config.is_file():
        # bytes, not read_text: universal newlines would turn a CRLF file into LF
        text = config.read_bytes().decode("utf-8")
        header = re.compile(rf"^(\s*\[\s*domains\s*\.\s*){re.escape(old_slug)}(\s*\])", re.M)
        if header.search(text):
            if re.search(rf"^\s*\[\s*domains\s*\.\s*{re.escape(new_slug)}\s*\]", text, re.M):
                raise JournalError(
                    f"journal.toml: both [domains.{old_slug}] and [domains.{new_slug}] exist; "
                    "merge them by hand first"
                )
            new_config = header.sub(rf"\g<1>{new_slug}\g<2>", text, count=1)
    return plans, new_config


def apply_rename(root: Path, plans: list[Rename], config: str | None) -> None:
    """Write every planned change, or none: when a file cannot be written (its folder or
    itself read-only), one problem per such file and nothing is changed; a full disk
    while writing changes nothing either (WriteError)."""
    changes = [(plan.path, plan.new) for plan in plans]
    if config is not None:
        changes.append((root / "journal.toml", config.encode("utf-8")))
    problems = []
    for path, _ in changes:
        found = blocked(path)
        if found is not None:
            why, where = found
            what = "the file" if where == path.resolve() else "its folder"
            expected = f"write permission on {what} {_shown(where, root)}"
            if why == "read-only file system":
                expected = f"{_shown(where, root)} on a file system mounted for writing"
            rel = path.relative_to(root).as_posix()
            problems.append(Problem(rel, 1, f"cannot be written ({why})", expected))
    if problems:
        raise ProblemsError(problems, "nothing was changed")
    replace_all(changes)


def _shown(path: Path, root: Path) -> str:
    """A path inside the journal relative to it, as the rest of a report names files."""
    try:
        return path.relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return str(path)
