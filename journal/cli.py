"""Argument parsing only: commands call the library and print; errors never show a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from . import __version__
from .errors import JournalError, ProblemsError, report


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def _root(args: argparse.Namespace) -> Path:
    from .loader import find_root

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


def cmd_build(args: argparse.Namespace) -> int:
    from .build import Options, build
    from .cache import default_cache

    root = _root(args)
    out = Path(args.out) if args.out else root / "site"
    options = Options(drafts=args.drafts, today=args.today)
    result = build(root, out, options, default_cache(root))
    _print_warnings(result.warnings)
    print(result.summary(out))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .loader import load_journal

    journal = load_journal(_root(args))
    _print_warnings(journal.warnings)
    warnings = len(journal.warnings)
    print(f"{len(journal.entries)} entries, no errors, {warnings} warning{'s' * (warnings != 1)}.")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import new_entry

    root = _root(args)
    tags = [t.strip() for t in (args.tags or "").split(",") if t.strip()]
    path = new_entry(root, args.kind, args.title, args.domain, args.date or date.today(), tags)
    print(path)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .scaffold import init_journal

    folder = Path(args.dir)
    created = init_journal(folder, date.today())
    for path in created:
        print(f"created {path}")
    if not created:
        print(f"{folder} already holds a journal; nothing was changed.")
    else:
        print(f"Next: cd {folder} && journal build")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .analytics import analyse
    from .loader import load_journal
    from .stats import stats_json, stats_table

    journal = load_journal(_root(args)).select(drafts=args.drafts)
    data = analyse(journal.entries, journal.config, args.today or date.today()).to_json()
    sys.stdout.write(stats_json(data) if args.json else stats_table(data))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .build import Options
    from .preview import serve

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
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "build",
        parents=[common],
        help="build the site into site/",
        description="Build the journal into a static site.",
    )
    p.add_argument("--out", metavar="DIR", help="output folder (default: site/ in the journal)")
    p.add_argument("--drafts", action="store_true", help="include entries marked draft: true")
    _today_option(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="validate every entry and report problems",
        description="Report every problem in every entry; exit 1 on errors.",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "new",
        parents=[common],
        help="start a new entry with reflection prompts",
        description="Write entries/YYYY-MM-DD-slug.md; never overwrites.",
    )
    p.add_argument("kind", choices=["win", "setback"])
    p.add_argument("title")
    p.add_argument("--domain", required=True, help="e.g. public-speaking")
    p.add_argument("--tags", help="comma-separated, e.g. talks,meetup")
    p.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="default: today")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "serve",
        parents=[common],
        help="live preview: rebuild on save, reload the browser",
        description="Build, serve on 127.0.0.1, and rebuild and reload on every save. "
        "Drafts and private entries are shown, marked as such.",
    )
    p.add_argument("--port", type=int, default=8000, help="default: 8000")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="default: 127.0.0.1; any other address makes the journal visible on the network",
    )
    p.add_argument("--open", action="store_true", help="open the site in a browser")
    p.add_argument(
        "--drafts",
        action="store_true",
        help="accepted for symmetry with build; the preview always shows drafts",
    )
    _today_option(p)
    p.add_argument("--out", metavar="DIR", help="output folder (default: site/ in the journal)")
    p.add_argument(
        "--poll",
        action="store_true",
        help="poll for changes instead of native events (network drives, containers)",
    )
    p.set_defaults(func=cmd_serve)

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
        "init",
        help="start a new journal in DIR",
        description="Create journal.toml, entries/ with one example, .gitignore.",
    )
    p.add_argument("dir", nargs="?", default=".", metavar="DIR")
    p.set_defaults(func=cmd_init)

    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ProblemsError as exc:
        print(exc, file=sys.stderr)
        return 1
    except JournalError as exc:
        print(f"journal: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
