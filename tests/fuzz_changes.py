"""Seeded random changes to a journal folder, of every kind a writer makes (issue 25).

`Fuzzer(seed)` holds a model of one small journal (entry files, attachments, templates,
static files, journal.toml and the day the CLI builds for) and makes one `Change` at a
time: what it is, in words, and the file operations that make it, in order. The same seed
gives the same changes whatever the builds do, so a failure is replayed from its seed and
step number. Changes keep the journal buildable (a `follows` that a change would leave
pointing at nothing useful is dropped first, in the same step) except the deliberately
broken ones (invalid frontmatter, a bad date, broken TOML or template syntax), which
stay until a later step repairs them: while they stand, the expected outcome of a build
is the error.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# Words of bodies and titles: few first letters (the search files are sharded by them, and
# each is one more file to compare), with accents and a ligature the search folds.
WORDS = (
    "a", "about", "again", "after", "also", "ask", "asked", "at", "calm", "café", "coach",
    "careful", "clear", "code", "cœur", "crowd", "practice", "plan", "pace", "paper", "piano",
    "pitch", "pause", "plenty", "rehearsed", "ready", "run", "slow", "steady", "slides",
    "spoke", "small", "stage", "talk", "tempo", "tried", "today", "ten", "tense", "élan",
    "étude",
)  # fmt: skip
START_TODAY = date(2026, 11, 22)  # the day the preview is built for, and the CLI at first
# Entries' dates: half a year and a new year's first days (fewer months, fewer pages)
FIRST_DAY, LAST_DAY = date(2026, 7, 1), date(2027, 1, 15)
DOMAINS = {  # slug -> ways of writing it that are one name (no slug clash between them)
    "running": ("running", "Running"),
    "public-speaking": ("public-speaking", "Public speaking"),
    "spanish": ("Spanish", "spanish"),
    "cooking": ("cooking",),  # appears only through changes
}
TAGS = ("talks", "pace", "club", "coach", "stage", "first-time", "First time")
SOURCES = ("mastery", "vicarious", "persuasion", "physiological")
ATTRIBUTIONS = ("effort", "strategy", "preparation", "circumstances", "luck", "ability")
FOLDERS = ("entries/summer", "entries/2026", "entries/2026/autumn", "entries")
# Overrides a journal's templates/ may hold: each is valid Jinja over the default it extends
# or includes; {v} is a version number that each change bumps.
TEMPLATES = {
    "templates/tag.html": '{{% extends "default/tag.html" %}}'
    "{{% block title %}}Tag {{{{ tag }}}} v{v} · {{{{ site_title }}}}{{% endblock %}}\n",
    "templates/entry.html": '{{% extends "default/entry.html" %}}{{% block after_entry %}}'
    '<p class="fuzz">v{v}: {{{{ entry.title }}}}</p>{{% endblock %}}\n',
    "templates/base.html": '{{% extends "default/base.html" %}}'
    '{{% block head %}}<meta name="fuzz" content="v{v}">{{% endblock %}}\n',
    "templates/_header.html": '{{% include "default/_header.html" %}}'
    '<p class="fuzz">header v{v} {{{{ site_title }}}}</p>\n',
    "templates/_footer.html": '{{% include "default/_footer.html" %}}'
    '<p class="fuzz">footer v{v}</p>\n',
    "templates/_entry_item.html": '{{% include "default/_entry_item.html" %}}<!-- item v{v} -->\n',
    "templates/assets/style.css": "/* the journal's own style, v{v} */\n"
    "body {{ margin: {v}px; }}\n",
    "templates/_setback_item.html": '{{% include "default/_setback_item.html" %}}'
    "<!-- setback v{v} -->\n",
    "templates/month.html": '{{% extends "default/month.html" %}}'
    "{{% block title %}}Month v{v} · {{{{ site_title }}}}{{% endblock %}}\n",
    "templates/domain.html": '{{% extends "default/domain.html" %}}'
    "{{% block title %}}Domain v{v} · {{{{ site_title }}}}{{% endblock %}}\n",
    "templates/index.html": '{{% extends "default/index.html" %}}'
    "{{% block title %}}Home v{v} · {{{{ site_title }}}}{{% endblock %}}\n",
    "templates/lessons.html": '{{% extends "default/lessons.html" %}}'
    "{{% block title %}}Lessons v{v} · {{{{ site_title }}}}{{% endblock %}}\n",
    "templates/feed.xml": '{{% include "default/feed.xml" %}}<!-- feed v{v} -->\n',
    # a part named only while it renders (so the page reads every template), and that part
    "templates/404.html": '{{% extends "default/404.html" %}}{{% block main %}}{{{{ super() }}}}'
    '{{% set part = "_no" ~ "te.html" %}}{{% include part ignore missing %}}<p>v{v}</p>'
    "{{% endblock %}}\n",
    "templates/_note.html": "<p>A note, v{v}: {{{{ site_title }}}}</p>\n",
}
STATIC = (
    "static/robots.txt",
    "static/img/badge.svg",
    "static/notes/read me.txt",
    "static/.hidden",  # never part of a site
    "static/404.html",  # shadows a page
    "static/tags/talks.html",  # shadows a tag's page while that tag exists
)
# Ways of making an entry file fail to build: what, and the frontmatter lines it sets.
BREAKS: tuple[tuple[str, dict[str, str]], ...] = (
    ("unclosed YAML list", {"tags": "[talks, milestone"}),
    ("impossible date", {"date": "2026-02-30"}),
    ("year out of range", {"date": "0206-03-02"}),
    ("unknown kind", {"kind": "victory"}),
    ("difficulty 11", {"difficulty": "11"}),
    ("private: maybe", {"private": "maybe"}),
    ("follows no entry", {"follows": "no-such-entry"}),
    ("no closing fence", {}),
)
CONFIG_BREAKS = (  # put before the file's text: top-level keys come first in TOML
    ("unterminated string", 'title = "unterminated\n'),
    ("page_size 0", "page_size = 0\n"),  # or a key given twice: an error either way
    ("period fortnight", '[streaks]\nperiod = "fortnight"\n'),
)
TEMPLATE_BREAKS = (
    (
        "syntax error",
        "templates/tag.html",
        '{% extends "default/tag.html" %}{% block title %}{{ tag }{% endblock %}',
    ),
    (
        "undefined name",
        "templates/entry.html",
        '{% extends "default/entry.html" %}{% block after_entry %}{{ nothing.x }}{% endblock %}',
    ),
)

# The journal to start from: 12 entries in three domains and three folders, with tags,
# links of each form, a photo, a `follows`, a private entry and a draft; their words, like
# the changes', start with few letters.
BASE = {
    "entries/summer/2026-07-02-first-talk.md": """---
date: 2026-07-02
kind: setback
domain: Public speaking
title: Tense talk
tags: [talks]
lesson: "Rehearse a calm answer"
difficulty: 6
confidence: 3
---

I *rushed* at the start.

## Stage

Cramped, tense.
""",
    "entries/summer/2026-07-12-5k.md": """---
date: 2026-07-12
kind: win
domain: running
title: Steady run
tags: [pace, club]
difficulty: 4
---

Slow, steady pace.
""",
    "entries/summer/2026-07-25-verbs.md": """---
date: 2026-07-25
kind: win
domain: Spanish
title: Careful étude
tags: club, coach
confidence: 5
---

Ten études.

- [x] ser
- [ ] estar
""",
    "entries/2026/2026-08-03-hills.md": """---
date: 2026-08-03
kind: win
domain: running
title: Steep climbs
difficulty: 7
---

Six climbs.

See [[2026-07-12-5k]].
""",
    "entries/2026/2026-08-14-second-talk.md": """---
date: 2026-08-14
kind: win
domain: public-speaking
title: Calm talk
tags: [talks, stage]
follows: 2026-07-02-first-talk
difficulty: 7
confidence: 5
---

Calm at the start.

See [the tense one](../summer/2026-07-02-first-talk.md#stage).

![The stage](photos/stage.png)
""",
    "entries/2026/2026-08-30-missed.md": """---
date: 2026-08-30
kind: setback
domain: running
title: A run skipped
lesson: Sleep
attribution: preparation
difficulty: 5
---

Slept through the alarm.
""",
    "entries/2026/2026-09-08-tempo.md": """---
date: 2026-09-08
kind: win
domain: running
title: Tempo run
source: vicarious
follows: 2026-08-30-missed
---

Copied a coach's pace.

See [[Steep climbs|the climbs]].
""",
    "entries/2026/2026-09-21-market.md": """---
date: 2026-09-21
kind: setback
domain: Spanish
lesson: "Rehearse prices"
tags: [first-time]
---

# Counting at a café

Confused at the prices.

| thing | price |
|---|---|
| café | tres |
""",
    "entries/2026/autumn/2026-10-04-toast.md": """---
date: 2026-10-04T19:30:00
kind: win
domain: Public speaking
title: A toast
tags: talks, First time
difficulty: 8
---

Short, calm, cheerful.[^1]

[^1]: The shortest at the party.
""",
    "entries/2026/autumn/2026-10-15-draft.md": """---
date: 2026-10-15
kind: win
domain: running
title: Secret pace
draft: true
---

Still a secret.
""",
    "entries/2026/autumn/2026-10-28-private.md": """---
date: 2026-10-28
kind: win
domain: Spanish
title: Private call
private: true
---

A call.

See [[2026-07-25-verbs]].
""",
    "entries/2026/autumn/2026-11-15-conversation.md": """---
date: 2026-11-15
kind: win
domain: spanish
title: Chat at a café
difficulty: 6
confidence: 4
---

Ten calm sentences.

See [études](2026-07-25-verbs.md).
""",
}

Op = tuple  # ("write", path, bytes) | ("delete", path) | ("rename", old, new); journal-relative


@dataclass(frozen=True)
class Change:
    """One step: `kind` names the family (body, title, add, config:streaks...), `text` says
    exactly what changed, `ops` make it. `today`: the CLI's day after this step."""

    kind: str
    text: str
    ops: tuple[Op, ...]
    today: date

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"

    @property
    def touches_files(self) -> bool:
        return bool(self.ops)


def apply(change: Change, root: Path) -> None:
    """Make the change on disk, one operation after another (as an editor would)."""
    for op in change.ops:
        target = root / op[1]
        if op[0] == "write":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(op[2])
        elif op[0] == "delete":
            target.unlink()
        else:
            new = root / op[2]
            new.parent.mkdir(parents=True, exist_ok=True)
            os.rename(target, new)


@dataclass
class Doc:
    """An entry file: its frontmatter lines (key -> YAML text, in order) and its body."""

    meta: dict[str, str]
    body: str

    @classmethod
    def parse(cls, text: str) -> Doc:
        head, body = text.removeprefix("---\n").split("\n---\n", 1)
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        return cls(meta, body.strip("\n"))

    def text(self) -> str:
        lines = ["---", *(f"{k}: {v}" for k, v in self.meta.items()), "---", "", self.body, ""]
        return "\n".join(lines)

    @property
    def day(self) -> date:
        return date.fromisoformat(self.meta["date"][:10])

    @property
    def kind(self) -> str:
        return self.meta["kind"]


def sentence(r: random.Random, n: int) -> str:
    """n words, sometimes with emphasis or a link to another site, as a sentence."""
    words = [r.choice(WORDS) for _ in range(n)]
    roll, at = r.random(), r.randrange(n)
    if roll < 0.2:
        words[at] = f"*{words[at]}*"
    elif roll < 0.3:
        words[at] = f"**{words[at]}**"
    elif roll < 0.35:
        words[at] = f"[{words[at]}](https://example.org/{words[at]})"
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def entry_id(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def unquoted(value: str) -> str:
    return json.loads(value) if value.startswith('"') else value


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


@dataclass
class Fuzzer:
    """The journal as it should be on disk, and the random source of its changes."""

    seed: int
    today: date = START_TODAY
    entries: dict[str, Doc] = field(default_factory=dict)  # "entries/2026/x.md" -> Doc
    files: dict[str, bytes] = field(default_factory=dict)  # attachments under entries/
    templates: dict[str, int] = field(default_factory=dict)  # path -> version
    static: dict[str, bytes] = field(default_factory=dict)
    config: dict[str, dict[str, object]] = field(default_factory=dict)  # "" is the top
    broken: dict[str, str] = field(default_factory=dict)  # path -> how it is broken
    gone: list[str] = field(default_factory=list)  # ids deleted or renamed away
    counter: int = 0

    def __post_init__(self) -> None:
        self.r = random.Random(self.seed)
        self._base()

    # --- the journal to start from ------------------------------------------------------------

    def _base(self) -> None:
        self.entries = {path: Doc.parse(text) for path, text in BASE.items()}
        self.files["entries/2026/photos/stage.png"] = b"\x89PNG\r\n\x1a\nstage-0"
        self.config = {"": {"title": "Fuzzed journal"}, "domains.running": {"name": "Running"}}

    def initial_files(self) -> dict[str, bytes]:
        """Every file of the journal as the model has it (a file standing broken as mended)."""
        out = {p: d.text().encode() for p, d in self.entries.items()}
        out.update(self.files)
        out.update({p: self._template(p).encode() for p in self.templates})
        out.update(self.static)
        out["journal.toml"] = self._config_text().encode()
        return out

    def write_all(self, root: Path) -> None:
        for path, data in self.initial_files().items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)

    # --- one change ----------------------------------------------------------------------------

    def next(self) -> Change:
        """The next change; the model is updated to the journal after it."""
        makers: list[tuple[float, Callable[[], tuple[str, str, list[Op]] | None]]] = [
            (12, self._body),
            (3, self._title),
            (3, self._date),
            (3, self._kind),
            (3, self._domain),
            (3, self._tags),
            (1.5, self._difficulty),
            (1.5, self._confidence),
            (1.5, self._lesson),
            (1, self._next_try),
            (1, self._source),
            (1, self._attribution),
            (2, self._follows),
            (2.5, self._private),
            (2.5, self._draft),
            (1, self._unknown_key),
            (2, self._plan),
            (4, self._add),
            (3, self._delete),
            (3, self._rename),
            (3, self._move),
            (4, self._template_change),
            (3, self._static_change),
            (6, self._config_change),
            (4, self._attachment),
            (4, self._link),
            (3, self._today),
            (2, self._break),
            (25 if self.broken else 0, self._repair),
        ]
        weights = [w for w, _ in makers]
        while True:
            (_, maker), *_ = self.r.choices(makers, weights)
            made = maker()
            if made is not None:
                break
        kind, text, ops = made
        ops = self._fix_follows(ops)
        ops = [self._materialise(op) for op in ops]
        return Change(kind, text, tuple(ops), self.today)

    def _materialise(self, op: Op) -> Op:
        """("write", path) is written with the model's text for that path."""
        if op[0] != "write" or len(op) == 3:
            return op
        path = op[1]
        if path in self.entries:
            return ("write", path, self.entries[path].text().encode())
        if path == "journal.toml":
            return ("write", path, self._config_text().encode())
        if path in self.templates:
            return ("write", path, self._template(path).encode())
        return ("write", path, (self.files.get(path) or self.static[path]))

    # --- helpers -------------------------------------------------------------------------------

    def _pick(self, only: Callable[[str, Doc], bool] = lambda p, d: True) -> str | None:
        """A random entry (not one that stands broken) that `only` accepts."""
        paths = [p for p, d in self.entries.items() if p not in self.broken and only(p, d)]
        return self.r.choice(sorted(paths)) if paths else None

    def _ids(self) -> dict[str, str]:
        return {entry_id(p): p for p in self.entries}

    def _day(self, low: date = FIRST_DAY, high: date = LAST_DAY) -> date:
        return low + timedelta(days=self.r.randrange((high - low).days + 1))

    def _words(self, low: int, high: int) -> str:
        return " ".join(self.r.choice(WORDS) for _ in range(self.r.randint(low, high)))

    def _title_text(self) -> str:
        text = self._words(2, 5).capitalize()
        return text + self.r.choice(["", "", " ✓", " — again", " “quoted”", " #2", " & more"])

    def _set(self, path: str, key: str, value: str | None) -> list[Op]:
        meta = self.entries[path].meta
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
        return [("write", path)]

    def _fix_follows(self, ops: list[Op]) -> list[Op]:
        """Drop every `follows` the change left invalid (no such entry, not a setback, later,
        a cycle); the files this touches are written first, so no moment in between fails.
        A file standing broken keeps its broken text: the model alone changes."""
        ids = self._ids()
        fixed = []
        for path, doc in sorted(self.entries.items()):
            if "follows" not in doc.meta:
                continue
            target = ids.get(unquoted(doc.meta["follows"]))
            bad = (
                target is None
                or target == path
                or self.entries[target].kind != "setback"
                or self.entries[target].day > doc.day
                or self._cycles(path, target, ids)
            )
            if bad:
                del doc.meta["follows"]
                fixed.append(path)
        written = {op[1] for op in ops if op[0] == "write"}
        first = [("write", p) for p in fixed if p not in written and p not in self.broken]
        return first + ops

    def _cycles(self, start: str, target: str, ids: dict[str, str]) -> bool:
        seen = set()
        node: str | None = target
        while node is not None and node not in seen:
            if node == start:
                return True
            seen.add(node)
            nxt = self.entries[node].meta.get("follows")
            node = ids.get(unquoted(nxt)) if nxt else None
        return False

    # --- the entry's text ----------------------------------------------------------------------

    def _body_text(self, doc: Doc) -> str:
        r = self.r
        parts = []
        if r.random() < 0.15:
            parts.append(f"# {self._title_text()}")  # the title when there is no title:
        for _ in range(r.randint(1, 3)):
            roll = r.random()
            if roll < 0.15:
                parts.append(f"## {self._words(1, 4).capitalize()}")
            elif roll < 0.25:
                parts.append("\n".join(f"- [{r.choice(' x')}] {self._words(2, 5)}" for _ in "ab"))
            elif roll < 0.3:
                parts.append(f"| a | b |\n|---|---|\n| {self._words(1, 2)} | {r.randint(1, 9)} |")
            else:
                count = r.randint(1, 3)
                parts.append(" ".join(sentence(r, r.randint(4, 10)) for _ in range(count)))
        if doc.kind == "setback" and r.random() < 0.3:
            parts.append(f"## What did I learn?\n\n{sentence(r, 5)}")
        kept = [p for p in doc.body.split("\n\n") if p.startswith(("![", "[", "See "))]
        if r.random() < 0.7:  # photos and links usually survive a rewrite
            parts += kept
        return "\n\n".join(parts)

    # --- entry changes -------------------------------------------------------------------------

    def _body(self):
        path = self._pick()
        if path is None:
            return None
        doc = self.entries[path]
        doc.body = self._body_text(doc)
        return "body", f"{path}: rewritten", [("write", path)]

    def _title(self):
        path = self._pick()
        if path is None:
            return None
        title = self._title_text() if self.r.random() < 0.8 else None
        text = f"{path}: title {title!r}" if title else f"{path}: title removed"
        return "title", text, self._set(path, "title", quoted(title) if title else None)

    def _date(self):
        path = self._pick()
        if path is None:
            return None
        day = self._day()
        value = day.isoformat()
        if self.r.random() < 0.2:
            value += f"T{self.r.randint(6, 22):02d}:{self.r.choice(['00', '15', '45'])}:00"
        return "date", f"{path}: date {value}", self._set(path, "date", value)

    def _kind(self):
        path = self._pick(lambda p, d: d.kind != "plan")
        if path is None:
            return None
        kind = "win" if self.entries[path].kind == "setback" else "setback"
        return "kind", f"{path}: kind {kind}", self._set(path, "kind", kind)

    def _domain(self):
        path = self._pick()
        if path is None:
            return None
        name = self.r.choice(self.r.choice(list(DOMAINS.values())))
        return "domain", f"{path}: domain {name!r}", self._set(path, "domain", quoted(name))

    def _tags(self):
        path = self._pick()
        if path is None:
            return None
        tags = self.r.sample(TAGS, self.r.randint(0, 3))
        if len({t.lower().replace(" ", "-") for t in tags}) < len(tags):
            tags = tags[:1]  # "first-time" and "First time" are one tag: keep one spelling
        style = self.r.random()
        value = None
        if tags:
            value = f"[{', '.join(tags)}]" if style < 0.6 else ", ".join(tags)
        elif style < 0.3:
            value = "[]"
        return "tags", f"{path}: tags {value}", self._set(path, "tags", value)

    def _score(self, key: str):
        path = self._pick()
        if path is None:
            return None
        must = key == "confidence" and self.entries[path].kind == "plan"
        value = str(self.r.randint(1, 10)) if must or self.r.random() < 0.8 else None
        return key, f"{path}: {key} {value}", self._set(path, key, value)

    def _difficulty(self):
        return self._score("difficulty")

    def _confidence(self):
        return self._score("confidence")

    def _text_key(self, key: str):
        path = self._pick()
        if path is None:
            return None
        value = quoted(sentence(self.r, 4)) if self.r.random() < 0.7 else None
        return key, f"{path}: {key} {value}", self._set(path, key, value)

    def _lesson(self):
        return self._text_key("lesson")

    def _next_try(self):
        return self._text_key("next")

    def _choice_key(self, key: str, values: tuple[str, ...]):
        path = self._pick()
        if path is None:
            return None
        value = self.r.choice(values) if self.r.random() < 0.8 else None
        return key, f"{path}: {key} {value}", self._set(path, key, value)

    def _source(self):
        return self._choice_key("source", SOURCES)

    def _attribution(self):
        return self._choice_key("attribution", ATTRIBUTIONS)

    def _flag(self, key: str):
        path = self._pick()
        if path is None:
            return None
        on = key not in self.entries[path].meta
        value = "true" if on else (None if self.r.random() < 0.5 else "false")
        return key, f"{path}: {key} {value}", self._set(path, key, value)

    def _private(self):
        return self._flag("private")

    def _draft(self):
        return self._flag("draft")

    def _unknown_key(self):
        path = self._pick()
        if path is None:
            return None
        key = self.r.choice(["mood", "confidnce", "weather"])
        value = None if key in self.entries[path].meta else quoted(self._words(1, 2))
        return "unknown key", f"{path}: {key} {value}", self._set(path, key, value)

    def _follows(self):
        """Point an entry at an earlier (or same-day) setback, or drop its `follows`."""
        path = self._pick()
        if path is None:
            return None
        doc = self.entries[path]
        if "follows" in doc.meta and self.r.random() < 0.4:
            return "follows", f"{path}: follows removed", self._set(path, "follows", None)
        ids = self._ids()
        targets = sorted(
            entry_id(p)
            for p, d in self.entries.items()
            if d.kind == "setback" and d.day <= doc.day and p != path
            and not self._cycles(path, p, ids)
        )  # fmt: skip
        if not targets:
            return None
        target = self.r.choice(targets)
        return "follows", f"{path}: follows {target}", self._set(path, "follows", quoted(target))

    def _plan(self):
        """Turn an entry into a plan (confidence and `planned:` on record), or resolve one."""
        path = self._pick()
        if path is None:
            return None
        doc = self.entries[path]
        if doc.kind == "plan":
            kind = self.r.choice(["win", "setback"])
            planned = date.fromisoformat(doc.meta["planned"][:10])
            resolved = planned + timedelta(days=self.r.randint(0, 20))
            doc.meta["kind"] = kind
            doc.meta["resolved"] = resolved.isoformat()
            return "plan", f"{path}: resolved as a {kind} on {resolved}", [("write", path)]
        planned = doc.day - timedelta(days=self.r.randint(0, 10))
        doc.meta["kind"] = "plan"
        doc.meta.pop("resolved", None)
        doc.meta["planned"] = f"{planned.isoformat()}T08:00:00"
        doc.meta.setdefault("confidence", str(self.r.randint(1, 10)))
        return "plan", f"{path}: made a plan, planned {planned}", [("write", path)]

    def _add(self):
        folder = self.r.choice(FOLDERS)
        day = self._day()
        if self.gone and self.r.random() < 0.3:  # an id that was used before
            new_id = self.r.choice(self.gone)
        else:
            self.counter += 1
            new_id = f"{day.isoformat()}-{self.r.choice(WORDS)}-{self.counter}"
        if new_id in self._ids():
            return None
        path = f"{folder}/{new_id}.md"
        kind = self.r.choice(["win", "win", "setback"])
        domain = self.r.choice(self.r.choice(list(DOMAINS.values())))
        meta = {"date": day.isoformat(), "kind": kind, "domain": quoted(domain)}
        if self.r.random() < 0.8:
            meta["title"] = quoted(self._title_text())
        if self.r.random() < 0.5:
            meta["tags"] = f"[{self.r.choice(TAGS[:6])}]"
        if kind == "setback" and self.r.random() < 0.7:
            meta["lesson"] = quoted(sentence(self.r, 4))
        doc = self.entries[path] = Doc(meta, "")
        doc.body = self._body_text(doc)
        return "add", f"{path} ({kind}, {domain})", [("write", path)]

    def _delete(self):
        path = self._pick()
        if path is None or len(self.entries) <= 4:
            return None
        del self.entries[path]
        self.gone.append(entry_id(path))
        return "delete", path, [("delete", path)]

    def _rename(self):
        path = self._pick()
        if path is None:
            return None
        self.counter += 1
        new = f"{path.rsplit('/', 1)[0]}/{entry_id(path)}-r{self.counter}.md"
        if self.r.random() < 0.2:
            new = f"{path.rsplit('/', 1)[0]}/{entry_id(path)[:10]} #{self.counter} ?%é.md"
        self.entries[new] = self.entries.pop(path)
        self.gone.append(entry_id(path))
        return "rename", f"{path} -> {new}", [("rename", path, new)]

    def _move(self):
        path = self._pick()
        if path is None:
            return None
        here = path.rsplit("/", 1)[0]
        there = self.r.choice([f for f in FOLDERS if f != here] + ["entries/elsewhere/deep"])
        new = f"{there}/{path.rsplit('/', 1)[1]}"
        self.entries[new] = self.entries.pop(path)
        return "move", f"{path} -> {new}", [("rename", path, new)]

    # --- links and attachments -----------------------------------------------------------------

    def _link(self):
        """A link from one entry's body to another: a wikilink by id, with text, by title,
        or a relative .md link (with a #fragment sometimes); now and then to an entry that
        was deleted or renamed away."""
        path = self._pick()
        if path is None:
            return None
        doc = self.entries[path]
        ids = self._ids()
        if self.gone and self.r.random() < 0.2:
            target_id, target = self.r.choice(self.gone), None
        else:
            target_id = self.r.choice(sorted(ids))
            target = ids[target_id]
        roll = self.r.random()
        if roll < 0.3:
            link = f"[[{target_id}]]"
        elif roll < 0.5:
            link = f"[[{target_id}|{self._words(1, 3)}]]"
        elif roll < 0.65 and target and "title" in self.entries[target].meta:
            link = f"[[{unquoted(self.entries[target].meta['title'])}]]"
        else:
            where = target or f"{path.rsplit('/', 1)[0]}/{target_id}.md"
            rel = os.path.relpath(where, path.rsplit("/", 1)[0])
            if self.r.random() < 0.3:
                rel = rel.rsplit("/", 1)[-1]  # by its bare file name
            fragment = "#stage" if self.r.random() < 0.3 else ""
            link = f"[{self._words(1, 3)}]({rel.replace(' ', '%20')}{fragment})"
        doc.body += f"\n\nSee {link}."
        return "link", f"{path}: link {link}", [("write", path)]

    def _attachment(self):
        """A photo or file: added and shown from an entry, changed, removed, or unlinked."""
        r = self.r
        roll = r.random()
        if self.files and roll < 0.3:
            name = r.choice(sorted(self.files))
            self.counter += 1
            self.files[name] = self.files[name][:8] + f"changed-{self.counter}".encode()
            return "attachment", f"{name} changed", [("write", name)]
        if self.files and roll < 0.45:
            name = r.choice(sorted(self.files))
            del self.files[name]  # the links stay: a missing-attachment warning
            return "attachment", f"{name} removed", [("delete", name)]
        if roll < 0.55:  # a link to an attachment taken out of its entry
            linked = [p for p, d in self.entries.items() if p not in self.broken and "![" in d.body]
            if not linked:
                return None
            path = r.choice(sorted(linked))
            doc = self.entries[path]
            doc.body = "\n\n".join(p for p in doc.body.split("\n\n") if not p.startswith("!["))
            return "attachment", f"{path}: images unlinked", [("write", path)]
        path = self._pick()
        if path is None:
            return None
        folder = path.rsplit("/", 1)[0]
        self.counter += 1
        name = r.choice(["photos/shot-{n}.png", "finish-{n}.jpg", "docs/certificate {n}.pdf"])
        name = name.format(n=self.counter)
        data = b"\x89PNG\r\n\x1a\n" + f"attachment-{self.counter}".encode()
        self.files[f"{folder}/{name}"] = data
        shown = f"![{self._words(1, 3)}]({name.replace(' ', '%20')})"
        if name.endswith(".pdf"):
            shown = shown[1:]
        self.entries[path].body += f"\n\n{shown}"
        return (
            "attachment",
            f"{folder}/{name} shown from {path}",
            [
                ("write", f"{folder}/{name}"),
                ("write", path),
            ],
        )

    # --- templates, static files, config, today --------------------------------------------------

    def _template(self, path: str) -> str:
        return TEMPLATES[path].format(v=self.templates[path])

    def _template_change(self):
        path = self.r.choice(sorted(TEMPLATES))
        if path in self.broken:
            return None
        if path in self.templates and self.r.random() < 0.4:
            del self.templates[path]
            return "template", f"{path} removed (the default again)", [("delete", path)]
        self.counter += 1
        verb = "changed" if path in self.templates else "added"
        self.templates[path] = self.counter
        return "template", f"{path} {verb} (v{self.counter})", [("write", path)]

    def _static_change(self):
        path = self.r.choice(STATIC)
        if path in self.static and self.r.random() < 0.4:
            del self.static[path]
            return "static", f"{path} removed", [("delete", path)]
        self.counter += 1
        verb = "changed" if path in self.static else "added"
        self.static[path] = f"static file {self.counter}\n".encode()
        return "static", f"{path} {verb}", [("write", path)]

    def _config_text(self) -> str:
        def value(v: object) -> str:
            if isinstance(v, list):
                return "[" + ", ".join(json.dumps(x) for x in v) + "]"
            return json.dumps(v) if isinstance(v, str) else str(v)

        lines = [f"{k} = {value(v)}" for k, v in self.config.get("", {}).items()]
        for section, table in sorted(self.config.items()):
            if section:
                lines += ["", f"[{section}]", *(f"{k} = {value(v)}" for k, v in table.items())]
        return "\n".join(lines) + "\n"

    def _config_change(self):
        """One key of one section of journal.toml set, changed or removed (or a whole
        [domains.x] table removed)."""
        if "journal.toml" in self.broken:
            return None
        r = self.r
        section = r.choice(["", "", "streaks", "streaks", "domains"])
        rest = self._day(FIRST_DAY, LAST_DAY)
        if section == "":
            key, choices = r.choice(
                [
                    ("title", [f"Journal {self._words(1, 2)}", "Fuzzed journal"]),
                    ("author", ["Ana", "Sam Q."]),
                    ("base_url", ["https://example.org/j/", "https://example.net/"]),
                    ("date_format", ["%Y-%m-%d", "%-d %B %Y", "%d.%m.%Y"]),
                    ("page_size", [2, 3, 5]),
                ]
            )
        else:
            key, choices = r.choice(
                [
                    ("period", ["week", "day", "month"]),
                    ("half_life", [2, 5.5, 13]),
                    ("rest", [[f"{rest}..{rest + timedelta(days=r.randint(0, 9))}"]]),
                    ("target", [1, 2, 3]),
                    *([("week_start", ["monday", "sunday"])] if section == "streaks" else []),
                    *([("name", ["Runs", "Talks"]), ("description", ["What I train."])]
                      if section == "domains" else []),
                ]
            )  # fmt: skip
        if section == "domains":
            section = f"domains.{r.choice(sorted(DOMAINS))}"
            if section in self.config and r.random() < 0.15:
                del self.config[section]
                return f"config:{section}", f"[{section}] removed", [("write", "journal.toml")]
        table = self.config.setdefault(section, {})
        label = f"[{section or 'top'}] {key}"
        if key in table and r.random() < 0.35:
            del table[key]
            if not table and section:
                del self.config[section]
            text = f"{label} removed"
        else:
            table[key] = r.choice(choices)
            text = f"{label} = {table[key]!r}"
        return f"config:{section.split('.')[0] or 'top'}", text, [("write", "journal.toml")]

    def _today(self):
        """Only the CLI's and the cold builds' day: the preview keeps the day it started with."""
        if self.r.random() < 0.3:
            self.today = START_TODAY
        else:
            self.today = self._day(date(2026, 6, 1), date(2027, 2, 28))
        return "today", f"--today {self.today}", []

    # --- broken inputs -------------------------------------------------------------------------

    def _break(self):
        r = self.r
        roll = r.random()
        if roll < 0.6:
            path = self._pick()
            if path is None:
                return None
            what, lines = r.choice(BREAKS)
            doc = self.entries[path]
            text = Doc({**doc.meta, **lines}, doc.body).text()
            if not lines:
                text = text.replace("\n---\n\n", "\n\n", 1)
            self.broken[path] = what
            return "break", f"{path}: {what}", [("write", path, text.encode())]
        if roll < 0.8:
            if "journal.toml" in self.broken:
                return None
            what, extra = r.choice(CONFIG_BREAKS)
            self.broken["journal.toml"] = what
            data = (extra + self._config_text()).encode()
            return "break", f"journal.toml: {what}", [("write", "journal.toml", data)]
        what, path, text = r.choice(TEMPLATE_BREAKS)
        if path in self.broken:
            return None
        self.broken[path] = what
        return "break", f"{path}: {what}", [("write", path, text.encode())]

    def _repair(self):
        path = self.r.choice(sorted(self.broken))
        what = self.broken.pop(path)
        if path.startswith("templates/") and path not in self.templates:
            return "repair", f"{path} ({what}) removed", [("delete", path)]
        return "repair", f"{path} ({what}) fixed", [("write", path)]
