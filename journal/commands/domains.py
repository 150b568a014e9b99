"""`journal domains`: each domain with its counts and spellings, near-duplicates flagged;
`rename OLD NEW` rewrites only the `domain:` line of the entries concerned (and the
`[domains.…]` header of journal.toml), every other byte kept, CRLF too. It changes all of
them or none: every file is checked first, then every new text is written beside its file,
then they are renamed into place (journal/atomic.py); a symlink is written through, never
replaced. `new` and `import` warn here of a new domain a letter or two from an old one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from journal.atomic import blocked, replace_all
from journal.commands.finding import broken_lines, domain_names, every_entry, load_what_parses
from journal.errors import JournalError, Problem, ProblemsError
from journal.load.journal import Journal
from journal.text import slugify

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


def domains_report(root: Path) -> tuple[list[str], list[str]]:
    """`journal domains`: (a line per domain of the entries that parse; a line per broken
    file, which a rename would refuse)."""
    journal, broken = load_what_parses(root)
    return domains_lines(journal), broken_lines(broken)


def rename_domain(root: Path, names: Sequence[str], *, apply: bool) -> list[str]:
    """`journal domains rename OLD NEW`: what changes (or would, without `apply`), a line
    each; with `apply` every file is written, or none, before a word is said."""
    journal = every_entry(root)  # a rename changes every file of a domain, or none
    if len(names) != 2:
        raise JournalError("usage: journal domains rename OLD NEW [--apply]")
    plans, config = plan_rename(journal, *names)
    if apply:
        apply_rename(root, plans, config)
    verb = "changed" if apply else "would change"
    lines = []
    for plan in plans:
        rel = plan.path.relative_to(root).as_posix()
        lines.append(f"{rel}:{plan.line}: {verb} {plan.old.decode('utf-8').strip()!r}")
    if config is not None:
        lines.append(f"journal.toml: {verb} the [domains.…] section's name")
    if not apply:
        lines.append(
            f"Dry run: {len(plans)} entries would change. Run again with --apply to do it."
        )
    return lines
