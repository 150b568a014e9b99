"""A domain's case (journal/analyse/case.py), with figures worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

from journal.analyse.analytics import Streak, analyse, periods_between, streak
from journal.analyse.case import best_strength, case, cases, doubted_wins, hardest_win, overcome
from journal.config import Config, DomainConfig, PeriodConfig
from tests.test_analytics import mk

D = date.fromisoformat


def journal() -> list:
    """Running: 4 wins (one vicarious), 2 setbacks; one setback overcome by a win."""
    return [
        mk("2026-01-05", difficulty=3, confidence=3, domain="run", id="a"),
        mk("2026-01-06", "setback", domain="run", id="s1", lesson="pace it"),
        mk("2026-01-13", difficulty=5, confidence=4, domain="run", id="b", follows="s1"),
        mk("2026-01-20", "setback", domain="run", id="s2", lesson="sleep"),
        mk("2026-01-27", difficulty=5, confidence=8, domain="run", id="c", source="vicarious"),
        mk("2026-02-03", difficulty=2, confidence=7, domain="run", id="d"),
        mk("2026-03-01", domain="talk", id="t1"),
    ]


def test_case_figures_by_hand():
    ev = analyse(journal(), Config(), D("2027-06-01"))
    run = case(ev.domains["run"], ev.applied_by)
    assert (run.wins, run.mastery_wins, run.setbacks) == (4, 3, 2)
    # difficulty 5 twice (b, c): the more recent one, c, is the hardest
    assert run.hardest.id == "c"
    assert run.latest.id == "d"
    # confidence <= 4: a (3) and b (4), newest first
    assert [e.id for e in run.doubted] == ["b", "a"]
    assert run.lessons_applied == 1  # s1 followed by b; s2 open
    assert [(s.id, w.id) for s, w in run.overcome] == [("s1", "b")]
    assert run.last_mastery == D("2026-02-03")
    assert run.last_active == D("2026-02-03")
    # weekly strength, half-life 5: m = 0.5 ** 0.2 = 0.87055; mastery wins in the weeks of
    # 5 Jan, 12 Jan and 2 Feb (27 Jan's win is vicarious). s: 0.12945, 0.24221,
    # 0.21086 (19 Jan), 0.18356 (26 Jan), 0.28926 (2 Feb) -> best 29 in the week of 2 Feb
    assert (run.best_strength, run.best_strength_period) == (29, D("2026-02-02"))
    # a year and more later the strength has decayed to 0, the case has not
    assert ev.domains["run"].strength == 0


def test_cases_most_recently_active_first():
    ev = analyse(journal(), Config(), D("2026-12-01"))
    assert [c.slug for c in cases(ev)] == ["talk", "run"]


def test_hardest_without_difficulty_is_the_latest_win():
    wins = [mk("2026-01-01", id="x"), mk("2026-01-02", id="y")]
    assert hardest_win(wins).id == "y"
    assert hardest_win([]) is None


def test_doubted_threshold_and_overcome_needs_a_win():
    wins = [mk("2026-01-01", confidence=5), mk("2026-01-02", confidence=4, id="z")]
    assert [e.id for e in doubted_wins(wins)] == ["z"]
    entries = [
        mk("2026-01-01", "setback", id="s", lesson="x"),
        mk("2026-01-02", "setback", id="s2", follows="s"),
    ]
    ev = analyse(entries, Config(), D("2026-02-01"))
    assert overcome(entries, ev.applied_by) == []  # followed, but by another setback


def test_best_strength_keeps_the_latest_peak():
    series = [(D("2026-01-05"), 0.3), (D("2026-01-12"), 0.2), (D("2026-01-19"), 0.3)]
    assert best_strength(series) == (30, D("2026-01-19"))
    assert best_strength([]) == (0, None)


# --- a month period and a target, worked out by hand -------------------------------------------

MONTHLY = [
    mk(day, domain="talks")
    for day in (
        "2026-01-05",
        "2026-01-20",  # January: 2 mastery wins
        "2026-02-03",  # February: 1
        "2026-03-01",
        "2026-03-02",
        "2026-03-30",  # March: 3
        "2026-04-10",
        "2026-04-11",  # April: 2; May (today's month) none yet
    )
]
MONTH_CONFIG = Config(
    domains={"talks": DomainConfig(period="month", target=2)},
)


def test_month_period_with_a_target_of_two():
    ev = analyse(MONTHLY, MONTH_CONFIG, D("2026-05-15"))
    f = ev.domains["talks"]
    assert (f.cfg.period, f.cfg.target, f.cfg.half_life) == ("month", 2, 3.0)
    # months meeting 2: January, March, April (February has 1); May is in progress,
    # so it breaks nothing: current = April + March = 2, longest = 2 (1 Mar - 11 Apr)
    assert f.mastery == Streak(2, 2, D("2026-03-01"), D("2026-04-11"))
    # practice counts any entry: January to April, 4 months
    assert (f.practice.current, f.practice.longest) == (4, 4)
    # m = 0.5 ** (1/3) = 0.7937; v = 1, 0, 1, 1: 0.2063, 0.1637, 0.3363, 0.4732 -> 47
    assert f.strength == 47
    assert [round(100 * s) for _, s in f.strength_series] == [21, 16, 34, 47]
    assert f.to_json()["target"] == 2


def test_month_period_with_the_default_target():
    config = Config(domains={"talks": DomainConfig(period="month")})
    f = analyse(MONTHLY, config, D("2026-05-15")).domains["talks"]
    assert f.mastery == Streak(4, 4, D("2026-01-05"), D("2026-04-11"))


def test_month_rest_and_year_end():
    cfg = PeriodConfig(
        period="month",
        half_life=3,
        rest=frozenset(D("2026-02-01") + timedelta(days=i) for i in range(28)),
    )
    # February is all rest: January and March join up
    assert streak([D("2026-01-31"), D("2026-03-01")], cfg, D("2026-03-02")).current == 2
    assert periods_between(D("2025-11-30"), D("2026-01-01"), cfg) == [
        D("2025-11-01"),
        D("2025-12-01"),
        D("2026-01-01"),
    ]
