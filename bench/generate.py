"""A deterministic synthetic journal for benchmarks: same N and seed, same bytes.

python bench/generate.py OUT_DIR --n 10000 [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

END = date(2026, 11, 21)
DOMAINS = [
    "running",
    "public-speaking",
    "Spanish",
    "negotiation",
    "cooking",
    "python-programming",
    "chess",
    "writing",
]
SOURCES = ["mastery"] * 7 + ["vicarious", "persuasion", "physiological"]
ATTRIBUTIONS = ["effort", "strategy", "preparation", "circumstances", "luck", "ability"]
TAGS = [
    "practice",
    "milestone",
    "work",
    "weekend",
    "friends",
    "morning",
    "evening",
    "travel",
    "club",
    "class",
    "home",
    "outdoors",
    "review",
    "first-time",
]
_PROSE = (
    "the a I we it this that plan practice week morning evening friend coach session pace "
    "breath question answer slide notes verb tense offer contract recipe knife test code "
    "refactor opening endgame draft chapter steady slow fast careful nervous calm ready "
    "again better harder easier minutes hours small simple clear honest useful rehearsed "
    "noticed tried finished started kept asked explained listened wrote ran spoke cooked "
    "played read learned changed because while before after during"
)
WORDS = _PROSE.split()


def sentence(r: random.Random, n: int) -> str:
    words = [r.choice(WORDS) for _ in range(n)]
    if r.random() < 0.3:
        i = r.randrange(n)
        words[i] = f"*{words[i]}*"
    if r.random() < 0.15:
        i = r.randrange(n)
        words[i] = f"**{words[i]}**"
    if r.random() < 0.1:
        i = r.randrange(n)
        words[i] = f"[{words[i]}](https://example.org/{words[i]})"
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def body(r: random.Random) -> str:
    target = r.randint(120, 350)
    parts: list[str] = []
    words = 0
    while words < target:
        roll = r.random()
        if roll < 0.12:
            parts.append(f"## {sentence(r, r.randint(2, 5)).rstrip('.')}")
            continue
        if roll < 0.3:
            items = [sentence(r, r.randint(4, 10)) for _ in range(r.randint(2, 4))]
            parts.append("\n".join(f"- {item}" for item in items))
            words += sum(len(i.split()) for i in items)
            continue
        n = r.randint(2, 5)
        sentences = [sentence(r, r.randint(6, 16)) for _ in range(n)]
        parts.append(" ".join(sentences))
        words += sum(len(s.split()) for s in sentences)
    return "\n\n".join(parts) + "\n"


def generate(root: Path, n: int, seed: int = 1) -> None:
    """Write journal.toml and N entries ending 2026-11-21 over about N/3 days."""
    r = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "journal.toml").write_text(
        'title = "Benchmark journal"\n\n[streaks]\nperiod = "week"\n'
        'rest = ["2026-08-10..2026-08-16"]\n\n[domains.running]\nname = "Running"\n'
        '\n[domains.spanish]\nperiod = "day"\n',
        encoding="utf-8",
    )
    days = max(1, n // 3)
    start = END - timedelta(days=days - 1)
    setbacks: dict[str, list[tuple[date, str]]] = {d: [] for d in DOMAINS}
    for i in range(n):
        day = start + timedelta(days=i * days // n)
        domain = r.choice(DOMAINS)
        kind = "win" if r.random() < 0.7 else "setback"
        title = sentence(r, r.randint(3, 7)).rstrip(".")
        entry_id = f"{day.isoformat()}-e{i:06d}"
        when = (
            f"{day.isoformat()}T{r.randint(6, 22):02d}:{r.randint(0, 59):02d}:00"
            if r.random() < 0.1
            else day.isoformat()
        )
        lines = ["---", f"date: {when}", f"kind: {kind}", f"domain: {domain}", f'title: "{title}"']
        tags = r.sample(TAGS, r.randint(0, 3))
        if tags:
            lines.append(
                f"tags: [{', '.join(tags)}]" if r.random() < 0.8 else f"tags: {', '.join(tags)}"
            )
        lines.append(f"difficulty: {r.randint(1, 10)}")
        if r.random() < 0.85:
            lines.append(f"confidence: {r.randint(1, 10)}")
        if kind == "win":
            lines.append(f"source: {r.choice(SOURCES)}")
            earlier = [s for s in setbacks[domain] if s[0] < day]
            if earlier and r.random() < 0.15:
                lines.append(f"follows: {r.choice(earlier[-20:])[1]}")
        else:
            lines.append(f"attribution: {r.choice(ATTRIBUTIONS)}")
            lines.append(f'lesson: "{sentence(r, r.randint(5, 10))}"')
            lines.append(f'next: "{sentence(r, r.randint(5, 10))}"')
            setbacks[domain].append((day, entry_id))
        if r.random() < 0.01:
            lines.append("draft: true")
        if r.random() < 0.02:
            lines.append("private: true")
        lines += ["---", "", body(r)]
        folder = root / "entries" / str(day.year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{entry_id}.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.n, args.seed)
    print(f"wrote {args.n} entries to {args.out}")


if __name__ == "__main__":
    main()
