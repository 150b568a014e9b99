"""Argument parsing only: each command is one call into journal/commands/, whose answer it
prints; errors never show a traceback."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from journal import __version__
from journal.commands.keyring import NEW_PASSPHRASE_ENV, PASSPHRASE_ENV
from journal.errors import JournalError, ProblemsError, TemplateError, report


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def _root(args: argparse.Namespace) -> Path:
    from journal.load.files import find_root

    if args.root:
        root = Path(args.root)
        if not root.is_dir():
            raise JournalError(f"--root {args.root}: no such folder")
        return root
    found = find_root(Path.cwd())
    if found is None:
        raise JournalError(
            "no journal here: no journal.toml or entries/ in this folder or any parent "
            "(run `journal init` to start one, or pass --root DIR)"
        )
    return found


def _print_warnings(problems: Sequence) -> None:
    if problems:
        print(report(problems), file=sys.stderr)


def _say(lines: Sequence[str], file: TextIO | None = None) -> None:
    """Each line printed from here, so that a full standard output is told apart from a
    file that cannot be written (_raised_here)."""
    for line in lines:
        print(line, file=file or sys.stdout)


def _tags(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _body(message: str | None) -> str | None:
    """-m TEXT, or with `-m -` the text on standard input; None: no body given."""
    return sys.stdin.read() if message == "-" else message


def cmd_build(args: argparse.Namespace) -> int:
    from journal.commands.building import build_site

    out = Path(args.out) if args.out else None
    warnings, summary = build_site(
        _root(args),
        out,
        drafts=args.drafts,
        today=args.today,
        strict=args.strict,
        explain=args.explain,
    )
    _print_warnings(warnings)
    print(summary)
    return 0


def _strict_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings (a link to no entry, a near-duplicate domain...) as errors: exit 1",
    )


def cmd_check(args: argparse.Namespace) -> int:
    from journal.commands.building import check_journal

    warnings, summary = check_journal(_root(args), strict=args.strict)
    _print_warnings(warnings)
    print(summary)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from journal.commands.scaffold import NewEntry
    from journal.commands.writing import write_new

    root, tags, body = _root(args), _tags(args.tags), _body(args.message)
    fields = {key: getattr(args, key) for key in FIELD_OPTIONS}
    fields.update(private=args.private, draft=args.draft)
    when = args.date or date.today()
    new = NewEntry(args.kind, args.title, args.domain, when, tags, fields, body)
    return write_new(root, new, edit=not args.no_edit)


def cmd_plan(args: argparse.Namespace) -> int:
    from journal.commands.plans import write_plan

    root, tags, body = _root(args), _tags(args.tags), _body(args.message)
    return write_plan(
        root,
        args.title,
        args.domain,
        args.date or date.today(),
        tags,
        body,
        confidence=args.confidence,
        difficulty=args.difficulty,
        private=args.private,
        draft=args.draft,
        edit=not args.no_edit,
    )


def cmd_done(args: argparse.Namespace) -> int:
    from journal.commands.plans import resolve_plan

    return resolve_plan(_root(args), args.id, args.outcome, edit=not args.no_edit)


def cmd_edit(args: argparse.Namespace) -> int:
    from journal.commands.writing import edit_entry

    return edit_entry(_root(args), " ".join(args.what))


def cmd_list(args: argparse.Namespace) -> int:
    from journal.commands.finding import list_entries

    lines, broken = list_entries(
        _root(args), domain=args.domain, kind=args.kind, since=args.since, limit=args.n
    )
    _say(lines)
    _say(broken, sys.stderr)  # listed by what parses; the others flagged
    return 0


def cmd_domains(args: argparse.Namespace) -> int:
    from journal.commands.domains import domains_report, rename_domain

    if args.action is None:
        lines, broken = domains_report(_root(args))
        _say(lines)
        _say(broken, sys.stderr)
        return 0
    _say(rename_domain(_root(args), args.names, apply=args.apply))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from journal.commands.scaffold import start_journal

    _say(start_journal(Path(args.dir), date.today()))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from journal.commands.stats import journal_stats

    root = _root(args)
    sys.stdout.write(journal_stats(root, drafts=args.drafts, today=args.today, as_json=args.json))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from journal.commands.export import export_journal

    text = export_journal(
        _root(args),
        Path(args.out) if args.out else None,
        fmt=args.format,
        domain=args.domain,
        since=args.since,
        lessons=args.lessons,
        private=args.private,
        force=args.force,
    )
    sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from journal.commands.importers import run

    text, status = run(
        _root(args),
        args.source,
        Path(args.file),
        domain=args.domain,
        kind=args.kind,
        map_tags=args.map_tag or (),
        dry_run=args.dry_run,
    )
    print(text)
    return status


def cmd_serve(args: argparse.Namespace) -> int:
    from journal.build import Options
    from journal.serve import serve

    root = _root(args)
    serve(
        root,
        host=args.host,
        port=args.port,
        options=Options(drafts=True, preview=True, today=args.today),
        open_browser=args.open,
        out=Path(args.out) if args.out else None,
        poll=args.poll,
    )
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from journal.commands.publishing import publish_journal

    said: list[str] = []  # printed at the end: a reader gone early stops no step half-way
    try:
        publish_journal(
            _root(args),
            Path(args.out) if args.out else None,
            said,
            public=args.public,
            weak_ok=args.weak_passphrase_ok,
            today=args.today,
            reseal_all=args.reseal_all,
            git=args.git,
            remote=args.remote,
        )
    finally:
        if said:
            print("\n".join(said))
    return 0


def cmd_passphrase(args: argparse.Namespace) -> int:
    from journal.commands.keyring import change_passphrase

    root, weak_ok = _root(args), args.weak_passphrase_ok
    print(change_passphrase(root, rewrap_only=args.rewrap_only, weak_ok=weak_ok))
    return 0


def _weak_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--weak-passphrase-ok",
        action="store_true",
        help="accept a new passphrase that is easy to guess offline",
    )


def _today_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the date streaks count back from (default: today)",
    )


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root",
        metavar="DIR",
        help="the journal folder (default: nearest folder upwards holding "
        "journal.toml or entries/)",
    )
    top = argparse.ArgumentParser(
        prog="journal",
        description="Evidence Journal: turn a folder of win and setback entries into a "
        "private static site.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "build",
        parents=[common],
        help="build the site into site/",
        description="Build the journal into a static site.",
    )
    p.add_argument("--out", metavar="DIR", help="output folder (default: site/ in the journal)")
    p.add_argument("--drafts", action="store_true", help="include entries marked draft: true")
    p.add_argument(
        "--explain",
        action="store_true",
        help="say why each page was made again (which entry, template or setting changed)",
    )
    _today_option(p)
    _strict_option(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="validate every entry and report problems",
        description="Report every problem in every entry; exit 1 on errors.",
    )
    _strict_option(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "new",
        parents=[common],
        help="write a new entry, in your editor",
        description="Write entries/YYYY-MM-DD-slug.md (never over a file). With the editor "
        "($VISUAL, $EDITOR, else editor, vi or nano) the text is written outside entries/ first, "
        "checked when the editor closes (with an offer to reopen it while it has errors), and "
        "moved in once something was written; an untouched template is discarded.",
    )
    p.add_argument("kind", choices=["win", "setback"], help="what happened: win or setback")
    p.add_argument("title", help="one line; the file is named after it")
    p.add_argument("--domain", required=True, help="the domain, e.g. public-speaking")
    p.add_argument("--tags", help="comma-separated, e.g. talks,meetup")
    p.add_argument(
        "--date", type=_date, metavar="YYYY-MM-DD", help="the entry's date (default: today)"
    )
    p.add_argument(
        "-m", dest="message", metavar="TEXT", help="the body, with no editor ('-': standard input)"
    )
    p.add_argument("--no-edit", action="store_true", help="only write the file and print its path")
    p.add_argument("--difficulty", type=int, metavar="N", help="1-10: how hard it was")
    p.add_argument("--confidence", type=int, metavar="N", help="1-10: before it, how sure you were")
    p.add_argument("--source", help="mastery (default), vicarious, persuasion or physiological")
    p.add_argument(
        "--attribution",
        help="setbacks: effort, strategy, preparation, circumstances, luck or ability",
    )
    p.add_argument("--lesson", help="setbacks: what it taught, one line")
    p.add_argument("--next", help="setbacks: what to try differently next time")
    p.add_argument(
        "--follows", metavar="ID", help="the id of the setback whose lesson this applies"
    )
    p.add_argument("--private", action="store_true", help="never published")
    p.add_argument("--draft", action="store_true", help="left out of build until ready")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "plan",
        parents=[common],
        help="put an attempt on record before you make it, in your editor",
        description="Write entries/YYYY-MM-DD-slug.md of kind plan, stamped `planned:` with "
        "the time it is written, with prompts for what exactly you will attempt and what "
        "would count as success; the editor loop is the same as `journal new`'s. Resolve it "
        "with `journal done ID win|setback`.",
    )
    p.add_argument("title", help="one line; the file is named after it")
    p.add_argument("--domain", required=True, help="the domain, e.g. public-speaking")
    p.add_argument(
        "--confidence",
        type=int,
        required=True,
        metavar="N",
        help="1-10: how sure you are now that you can do it",
    )
    p.add_argument(
        "--date",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the day of the attempt (default: today)",
    )
    p.add_argument("--difficulty", type=int, metavar="N", help="1-10: how hard it will be")
    p.add_argument("--tags", help="comma-separated, e.g. talks,meetup")
    p.add_argument(
        "-m", dest="message", metavar="TEXT", help="the body, with no editor ('-': standard input)"
    )
    p.add_argument("--no-edit", action="store_true", help="only write the file and print its path")
    p.add_argument("--private", action="store_true", help="never published")
    p.add_argument("--draft", action="store_true", help="left out of build until ready")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser(
        "done",
        parents=[common],
        help="record a plan's outcome: win or setback",
        description="Resolve a plan: only its `kind:` line changes and `resolved: <today>` is "
        "added after it (every other byte as it was, the file replaced in one step); then "
        "the reflection prompts are added at the end and the entry opens in your editor.",
    )
    p.add_argument("id", metavar="ID", help="the plan's id (or `last`, or words of its title)")
    p.add_argument("outcome", choices=["win", "setback"], help="how it went")
    p.add_argument(
        "--no-edit",
        action="store_true",
        help="only change the two lines; no prompts, no editor",
    )
    p.set_defaults(func=cmd_done)

    p = sub.add_parser(
        "edit",
        parents=[common],
        help="reopen an entry in your editor",
        description="Open an entry in your editor, then check it as `new` does; an entry "
        "with errors opens too (by id, path, or `last`).",
    )
    p.add_argument(
        "what",
        nargs="+",
        metavar="ID|last|WORDS|PATH",
        help="an id, `last` (the newest), words of its title, or its path",
    )
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser(
        "list",
        parents=[common],
        help="list entries, newest first",
        description="One line per entry: date, kind, domain, title, id (drafts and private "
        "ones marked).",
    )
    p.add_argument("--domain", metavar="D", help="only this domain (slug or name)")
    p.add_argument(
        "--kind", choices=["win", "setback", "plan"], help="only wins, setbacks or open plans"
    )
    p.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="only entries from this date")
    p.add_argument("-n", type=int, metavar="N", help="at most N entries (default: all)")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "domains",
        parents=[common],
        help="list the domains, or rename one",
        description="List each domain with its name, slug, counts and spellings, and flag "
        "near-duplicates; `rename OLD NEW` rewrites only the `domain:` line of its entries "
        "(and its [domains.…] section), as a dry run unless --apply.",
    )
    p.add_argument("action", nargs="?", choices=["rename"], help="rename: change a domain's name")
    p.add_argument(
        "names", nargs="*", metavar="OLD NEW", help="for rename: the domain and its new name"
    )
    p.add_argument(
        "--apply", action="store_true", help="rename for real (default: show what would change)"
    )
    p.set_defaults(func=cmd_domains)

    p = sub.add_parser(
        "serve",
        parents=[common],
        help="live preview: rebuild on save, reload the browser",
        description="Build, serve on 127.0.0.1, and rebuild and reload on every save. "
        "Drafts and private entries are shown, marked as such.",
    )
    p.add_argument("--port", type=int, default=8000, help="the port (default: 8000)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on, and the only host name answered besides the loopback "
        "ones (default: 127.0.0.1); any other makes the journal visible on the network",
    )
    p.add_argument("--open", action="store_true", help="open the site in a browser")
    _today_option(p)
    p.add_argument("--out", metavar="DIR", help="output folder (default: site/ in the journal)")
    p.add_argument(
        "--poll",
        action="store_true",
        help="poll for changes instead of native events (network drives, containers)",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "publish",
        parents=[common],
        help="the site for a static host, encrypted under a passphrase",
        description="Build the site without private entries and drafts, every page "
        f"encrypted. The passphrase comes from ${PASSPHRASE_ENV} or a prompt.",
    )
    p.add_argument("--out", metavar="DIR", help="output folder (default: public/ in the journal)")
    p.add_argument("--public", action="store_true", help="publish UNENCRYPTED: anyone can read it")
    p.add_argument(
        "--git", metavar="BRANCH", help="commit the result as the only content of BRANCH, and push"
    )
    p.add_argument("--remote", metavar="NAME", help="where --git pushes (default: origin)")
    p.add_argument(
        "--reseal-all",
        action="store_true",
        help="re-encrypt every object with fresh nonces, so every file changes and the host "
        "cannot tell which pages did",
    )
    _weak_option(p)
    _today_option(p)
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser(
        "passphrase",
        parents=[common],
        help="change the publishing passphrase and make a new site key",
        description=f"Make a new site key under a new passphrase (the next publish re-encrypts "
        f"everything): current from ${PASSPHRASE_ENV} or a prompt, new from "
        f"${NEW_PASSPHRASE_ENV} or a prompt (asked twice).",
    )
    p.add_argument(
        "--rewrap-only",
        action="store_true",
        help="keep the site key and only re-wrap it (fast, same files; an old keyring and the "
        "old passphrase still open later publishes)",
    )
    _weak_option(p)
    p.set_defaults(func=cmd_passphrase)

    p = sub.add_parser(
        "stats",
        parents=[common],
        help="streaks, strength and rates per domain",
        description="The evidence figures per domain, as a table or JSON (schema in README).",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--drafts", action="store_true", help="count entries marked draft: true")
    _today_option(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "export",
        parents=[common],
        help="your wins as one Markdown (or JSON) document, grouped by domain",
        description="A brag document: every win (newest first per domain), for a review or a "
        "CV. Drafts and private entries are left out.",
    )
    p.add_argument(
        "--format", choices=["markdown", "json"], default="markdown", help="(default: markdown)"
    )
    p.add_argument("--domain", metavar="D", help="only this domain (slug or name)")
    p.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="only entries from this date")
    p.add_argument("--lessons", action="store_true", help="add each domain's setback lessons")
    p.add_argument("--private", action="store_true", help="include entries marked private")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "import",
        parents=[common],
        help="entries from a jrnl, Day One or CSV export, as new files",
        description="Write each entry of an export as a new file in entries/imported/SOURCE/ "
        "(Day One photos beside it); an existing file is reported and skipped, never "
        "replaced, so importing twice writes nothing new. A starred entry gets the tag "
        "`starred`. Exit 1 when an entry could not be imported.",
    )
    p.add_argument(
        "source", choices=["jrnl", "dayone", "csv"], help="jrnl, dayone or csv: the export's tool"
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help="jrnl: jrnl --export json output; dayone: its JSON or JSON (.zip) export; "
        "csv: a header row naming date, title, body, kind, domain, tags, ...",
    )
    p.add_argument("--domain", metavar="D", help="the domain of entries that name none")
    p.add_argument(
        "--kind",
        choices=["win", "setback"],
        help="the kind of entries that name none (asked for when none can be inferred)",
    )
    p.add_argument(
        "--map-tag",
        action="append",
        metavar="TAG=domain:NAME|TAG=kind:setback",
        help="turn a source tag into a domain or kind (repeatable)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="print what would be written, write nothing"
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "init",
        help="start a new journal in DIR",
        description="Create journal.toml, entries/ with one example, .gitignore.",
    )
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="where (default: .)")
    p.set_defaults(func=cmd_init)

    return top


# What a command did not do when the journal has errors; `check` only reports.
OUTCOMES = {
    "check": None,
    "new": "nothing was written",
    "list": "nothing was listed",
    "edit": "nothing was opened",
    "domains": "nothing was changed",
    "export": "nothing was written",
    "stats": "no figures were made",
}


def _check_dates(args: argparse.Namespace) -> None:
    """Dates given as options stay in the range entries may hold, so arithmetic on them
    (weeks, the last twelve months) never leaves the calendar."""
    from journal.config import RANGE_TEXT, in_range

    for name in ("today", "date", "since"):
        value = getattr(args, name, None)
        if value is not None and not in_range(value):
            raise JournalError(f"--{name} {value}: out of range (expected {RANGE_TEXT})")


FIELD_OPTIONS = ("difficulty", "confidence", "source", "attribution", "lesson", "next", "follows")


def main(argv: Sequence[str] | None = None) -> int:
    top = parser()
    args = top.parse_args(argv)
    if args.command is None:  # bare `journal`: what it can do
        top.print_help()
        return 0
    try:
        _check_dates(args)
        code = args.func(args)
    except BrokenPipeError:  # standard output closed early: `journal list | head -1`
        return _stdout_gone()
    except ProblemsError as exc:
        print(exc.text(OUTCOMES.get(args.command, "nothing was built")), file=sys.stderr)
        return 1
    except TemplateError as exc:  # already `path:line: message`, like an entry's
        print(f"{exc}\n1 error found; nothing was built.", file=sys.stderr)
        return 1
    except JournalError as exc:
        print(f"journal: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopped.", file=sys.stderr)
        return 130
    except OSError as exc:
        return _os_error(exc)
    return _flushed(code)


def _os_error(exc: OSError) -> int:
    """A system error in one line, never a traceback: a file that cannot be written says
    why, and a full standard output says so."""
    from journal.atomic import WRITE_ERRNOS, reason

    where = f" {exc.filename}:" if exc.filename else ""
    if exc.errno not in WRITE_ERRNOS:
        print(f"journal:{where} {exc.strerror or exc}", file=sys.stderr)
        return 1
    if exc.filename is None and _raised_here(exc):  # this module writes only stdout
        print(f"journal: standard output: cannot be written ({reason(exc)})", file=sys.stderr)
        return _stdout_gone()
    print(f"journal:{where} cannot be written ({reason(exc)})", file=sys.stderr)
    return 1


def _raised_here(exc: BaseException) -> bool:
    """Whether the innermost Python frame of the error is in this module, which writes
    nothing but standard output and standard error (files are the library's to write)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_code.co_filename == __file__


def _flushed(code: int) -> int:
    """Standard output written out now, so a closed pipe or a full disk behind it is one
    line (or, for the pipe, nothing) instead of an error at exit."""
    from journal.atomic import reason

    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return _stdout_gone()
    except OSError as exc:
        print(f"journal: standard output: cannot be written ({reason(exc)})", file=sys.stderr)
        return _stdout_gone()
    return code


def _stdout_gone() -> int:
    """What Python's documentation advises for a closed pipe (`journal list | head -1`):
    standard output goes to devnull, so no later flush fails again; exit 1, quietly."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's capture): nothing left to fail
    return 1


def run() -> None:
    """The console command: main(), then leave without freeing the heap object by object,
    which for a large journal takes longer than a small rebuild (every file is closed
    and every stream flushed by then)."""
    import os

    try:
        code = main()
    except SystemExit as exc:  # argparse: --help, --version or a usage error
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    except BrokenPipeError:  # while argparse printed
        code = _stdout_gone()
    code = _flushed(code)  # what was printed after main()'s own flush, if anything
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
