"""journal.toml -> a frozen Config, with every problem collected and unknown keys warned."""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from journal.errors import Problem

CONFIG_NAME = "journal.toml"
PERIODS = ("week", "day", "month")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_HALF_LIFE = {"week": 5.0, "day": 13.0, "month": 3.0}
TOP_KEYS = (
    "title",
    "author",
    "streaks",
    "domains",
    "base_url",
    "date_format",
    "page_size",
    "offline_budget_mb",
)
STREAK_KEYS = ("period", "week_start", "half_life", "rest", "target")
DOMAIN_KEYS = ("name", "description", "period", "half_life", "rest", "target")
DEFAULT_PAGE_SIZE = 50  # entries per list page: a few phone screens
MAX_PAGE_SIZE = 1000
DEFAULT_OFFLINE_BUDGET_MB = 100  # what the published journal may keep on a phone (issue 26)
MAX_OFFLINE_BUDGET_MB = 10_000
MAX_CONFIG_BYTES = 1024 * 1024  # a settings file; more is a mistake
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)  # the dates a journal may hold


def in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


RANGE_TEXT = f"a date in the years {FIRST_DAY.year} to {LAST_DAY.year}"


@dataclass(frozen=True)
class PeriodConfig:
    """How streaks and strength are counted for the journal or one domain."""

    period: str = "week"
    week_start: int = 0  # 0 = Monday, as date.weekday()
    half_life: float = DEFAULT_HALF_LIFE["week"]
    rest: frozenset[date] = frozenset()
    target: int = 1  # mastery wins a period needs to count


@dataclass(frozen=True)
class DomainConfig:
    name: str | None = None
    description: str | None = None
    period: str | None = None
    half_life: float | None = None
    rest: frozenset[date] = frozenset()
    target: int | None = None


@dataclass(frozen=True)
class Config:
    title: str = "Evidence journal"
    author: str | None = None
    base_url: str | None = None
    date_format: str = "%-d %b %Y"  # strftime codes; %-d: the day without a leading zero
    page_size: int = DEFAULT_PAGE_SIZE  # entries (or setbacks) on one page of a list
    offline_budget_mb: float = DEFAULT_OFFLINE_BUDGET_MB  # the published app's offline copy
    streaks: PeriodConfig = PeriodConfig()
    domains: dict[str, DomainConfig] = field(default_factory=dict)

    def period_for(self, slug: str) -> PeriodConfig:
        """The domain's own settings over the journal's; rest days add up."""
        dom = self.domains.get(slug, DomainConfig())
        period = dom.period or self.streaks.period
        if dom.half_life is not None:
            half_life = dom.half_life
        elif dom.period and dom.period != self.streaks.period:
            half_life = DEFAULT_HALF_LIFE[period]
        else:
            half_life = self.streaks.half_life
        return PeriodConfig(
            period=period,
            week_start=self.streaks.week_start,
            half_life=half_life,
            rest=self.streaks.rest | dom.rest,
            target=dom.target if dom.target is not None else self.streaks.target,
        )


def suggest(word: str, known: tuple[str, ...] | list[str]) -> str:
    """' (did you mean `x`?)' for a near miss, else ''."""
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


class _Reader:
    """Collects problems while reading, with the line of each key found by a text scan."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = text.splitlines()
        self.problems: list[Problem] = []

    def line_of(self, key: str, table: str | None = None) -> int:
        in_table = table is None
        header = re.compile(r"^\s*\[\s*" + re.escape(table or "") + r"\s*\]\s*(#.*)?$")
        key_re = re.compile(r'^\s*"?' + re.escape(key) + r'"?\s*=')
        for number, line in enumerate(self.lines, 1):
            if table is not None and line.lstrip().startswith("["):
                in_table = bool(header.match(line))
                continue
            if in_table and key_re.match(line):
                return number
        return 1

    def error(self, line: int, message: str, expected: str | None = None) -> None:
        self.problems.append(Problem(self.path, line, message, expected))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, None, "warning"))

    def table_line(self, name: str) -> int:
        """The line of a `[domains.x]` header, quoted or not."""
        head, _, key = name.partition(".")
        wanted = {f"{head}.{key}", f'{head}."{key}"'}
        for number, line in enumerate(self.lines, 1):
            text = line.strip()
            if text.startswith("[") and text.split("]")[0][1:].strip() in wanted:
                return number
        return 1

    def unknown_keys(self, data: dict, known: tuple[str, ...], table: str | None) -> None:
        for key in data:
            if key not in known:
                hint = suggest(key, known)
                where = f"[{table}]" if table else "the top level"
                self.warn(
                    self.line_of(key, table),
                    f"unknown key `{key}` in {where} is ignored" + (f"; {hint}" if hint else ""),
                )

    def period_settings(self, data: dict, table: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if "period" in data:
            value = data["period"]
            if value in PERIODS:
                out["period"] = value
            else:
                line = self.line_of("period", table)
                self.error(line, f"period is {value!r}", "week, day or month")
        if "week_start" in data:
            value = str(data["week_start"]).lower()
            if value in WEEKDAYS:
                out["week_start"] = WEEKDAYS.index(value)
            else:
                self.error(
                    self.line_of("week_start", table),
                    f"week_start is {data['week_start']!r}",
                    "a weekday name such as monday or sunday",
                )
        if "half_life" in data:
            value = data["half_life"]
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and 0 < value <= 10_000 and math.isfinite(value):
                out["half_life"] = float(value)
            else:
                self.error(
                    self.line_of("half_life", table),
                    f"half_life is {value!r}",
                    "a positive number of periods, at most 10000",
                )
        if "target" in data:
            value = data["target"]
            if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 1000:
                out["target"] = value
            else:
                self.error(
                    self.line_of("target", table),
                    f"target is {value!r}",
                    "a whole number of mastery wins per period, 1 to 1000",
                )
        if "rest" in data:
            out["rest"] = self.rest_days(data["rest"], self.line_of("rest", table))
        return out

    def rest_days(self, value: Any, line: int) -> frozenset[date]:
        expected = 'a list of "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD" strings'
        if not isinstance(value, list):
            self.error(line, f"rest is {value!r}", expected)
            return frozenset()
        days: set[date] = set()
        for item in value:
            if isinstance(item, datetime):
                self.error(line, f"rest has the date-time {item.isoformat()}", "dates, no times")
                continue
            try:
                if isinstance(item, date):
                    first = last = item
                else:
                    first_s, _, last_s = str(item).partition("..")
                    first = date.fromisoformat(first_s.strip())
                    last = date.fromisoformat(last_s.strip()) if last_s else first
            except ValueError:
                self.error(line, f"rest has {item!r}", expected)
                continue
            if last < first:
                self.error(line, f"rest range {item!r} ends before it starts", "first..last")
                continue
            if not (in_range(first) and in_range(last)):
                self.error(line, f"rest has {str(item)!r}, out of range", RANGE_TEXT)
                continue
            days.update(first + timedelta(d) for d in range((last - first).days + 1))
        return frozenset(days)


def load_config(root: Path) -> tuple[Config, list[Problem]]:
    """Read journal.toml if there is one; a journal works with no config at all."""
    from journal.load.files import (
        TooLarge,
        read_regular,
    )  # here, to keep config importable on its own

    path = root / CONFIG_NAME
    if not path.exists() and not path.is_symlink():
        return Config(), []
    try:
        text = read_regular(str(path), MAX_CONFIG_BYTES).decode("utf-8-sig")
    except IsADirectoryError as exc:
        return Config(), [Problem(CONFIG_NAME, 1, f"is {exc}", "a TOML file")]
    except TooLarge as exc:
        return Config(), [Problem(CONFIG_NAME, 1, f"is too large: {exc}", "a TOML file under 1 MB")]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return Config(), [Problem(CONFIG_NAME, 1, f"cannot be read: {reason}", "a readable file")]
    except UnicodeDecodeError as exc:
        return Config(), [Problem(CONFIG_NAME, 1, f"not valid UTF-8 ({exc.reason})", "UTF-8 text")]
    reader = _Reader(CONFIG_NAME, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 1
        reader.error(line, f"TOML syntax error: {exc}", "valid TOML")
        return Config(), reader.problems
    except RecursionError:
        reader.error(1, "TOML nests arrays or tables too deeply", "a few levels of settings")
        return Config(), reader.problems
    reader.unknown_keys(data, TOP_KEYS, None)
    kwargs: dict[str, Any] = {}
    for key in ("title", "author", "base_url", "date_format"):
        if key in data:
            if isinstance(data[key], str):
                kwargs[key] = data[key]
            else:
                reader.error(reader.line_of(key), f"{key} is {data[key]!r}", "a string")
    if "page_size" in data:
        value = data["page_size"]
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PAGE_SIZE:
            kwargs["page_size"] = value
        else:
            reader.error(
                reader.line_of("page_size"),
                f"page_size is {value!r}",
                f"a whole number of entries per list page, 1 to {MAX_PAGE_SIZE}",
            )
    if "offline_budget_mb" in data:
        value = data["offline_budget_mb"]
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and math.isfinite(value) and 0 <= value <= MAX_OFFLINE_BUDGET_MB:
            kwargs["offline_budget_mb"] = value
        else:
            reader.error(
                reader.line_of("offline_budget_mb"),
                f"offline_budget_mb is {value!r}",
                f"a number of megabytes from 0 to {MAX_OFFLINE_BUDGET_MB:,}, default "
                f"{DEFAULT_OFFLINE_BUDGET_MB}; 0 keeps nothing on a phone",
            )
    streaks = data.get("streaks", {})
    if isinstance(streaks, dict):
        reader.unknown_keys(streaks, STREAK_KEYS, "streaks")
        settings = reader.period_settings(streaks, "streaks")
        if "half_life" not in settings:
            settings["half_life"] = DEFAULT_HALF_LIFE[settings.get("period", "week")]
        kwargs["streaks"] = PeriodConfig(**settings)
    else:
        reader.error(reader.line_of("streaks"), "streaks is not a table", "[streaks]")
    domains: dict[str, DomainConfig] = {}
    raw_domains = data.get("domains", {})
    if not isinstance(raw_domains, dict):
        reader.error(reader.line_of("domains"), "domains is not a table", "[domains.<slug>]")
        raw_domains = {}
    from journal.text import slugify  # here, to keep config importable on its own

    for key, table in raw_domains.items():
        name = f"domains.{key}"
        if not isinstance(table, dict):
            reader.error(reader.line_of(key, "domains"), f"{name} is not a table", f"[{name}]")
            continue
        reader.unknown_keys(table, DOMAIN_KEYS, name)
        settings = reader.period_settings(table, name)
        settings.pop("week_start", None)
        for text_key in ("name", "description"):
            if text_key in table:
                if isinstance(table[text_key], str):
                    settings[text_key] = table[text_key]
                else:
                    reader.error(
                        reader.line_of(text_key, name), f"{text_key} is not a string", "a string"
                    )
        slug, line = slugify(key), reader.table_line(name)
        if not slug:
            reader.error(line, f"[{name}] has no letter or digit to name it", "a domain's slug")
        elif slug in domains:
            reader.error(line, f"[{name}] is the domain `{slug}` again", "each domain once")
        else:
            domains[slug] = DomainConfig(**settings)
    kwargs["domains"] = domains
    return Config(**kwargs), reader.problems
