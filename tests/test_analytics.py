"""The evidence definitions, checked on tiny journals with figures worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from journal.analyse.analytics import (
    WinIndex,
    analyse,
    attribution_mix,
    calibration,
    followers,
    lessons,
    streak,
    strength,
    strength_series,
    win_rate,
)
from journal.config import Config, PeriodConfig
from journal.load.entry import Entry

D = date.fromisoformat
WEEK = PeriodConfig(period="week", week_start=0, half_life=5)
DAY = PeriodConfig(period="day", week_start=0, half_life=13)
_n = iter(range(10**6))


def mk(
    day: str,
    kind: str = "win",
    domain: str = "d",
    *,
    source: str = "mastery",
    confidence: int | None = None,
    difficulty: int | None = None,
    id: str | None = None,
    lesson: str | None = None,
    follows: str | None = None,
    attribution: str | None = None,
) -> Entry:
    eid = id or f"{day}-{next(_n)}"
    return Entry(
        id=eid,
        path=f"entries/{eid}.md",
        date=D(day),
        time=None,
        kind=kind,
        domain=domain,
        domain_label=domain,
        title=eid,
        tags=(),
        difficulty=difficulty,
        confidence=confidence,
        source=source,
        attribution=attribution,
        lesson=lesson,
        next=None,
        follows=follows,
        draft=False,
        private=False,
    )


def days(*items: str) -> list[date]:
    return [D(d) for d in items]


# --- streaks: 2026-11-22 is a Sunday; Monday weeks start 11-02, 11-09, 11-16 -------------------


def test_three_consecutive_weeks():
    s = streak(days("2026-11-03", "2026-11-10", "2026-11-17"), WEEK, D("2026-11-22"))
    assert (s.current, s.longest) == (3, 3)
    assert (s.longest_start, s.longest_end) == (D("2026-11-03"), D("2026-11-17"))


def test_todays_period_without_a_win_keeps_the_streak_alive():
    # weeks of 11-02 and 11-09 have wins; the week of 11-16 (today's) has none yet
    s = streak(days("2026-11-03", "2026-11-10"), WEEK, D("2026-11-22"))
    assert s.current == 2


def test_an_empty_previous_period_ends_the_current_streak():
    # 11-02 win, 11-09 empty, 11-16 today's and empty: the streak is over
    s = streak(days("2026-11-03"), WEEK, D("2026-11-22"))
    assert (s.current, s.longest) == (0, 1)


def test_a_gap_breaks_the_run():
    # weeks 10-19 and 10-26 with wins, 11-02 empty, 11-09 (today's) with a win
    s = streak(days("2026-10-20", "2026-10-27", "2026-11-10"), WEEK, D("2026-11-12"))
    assert (s.current, s.longest) == (1, 2)
    assert (s.longest_start, s.longest_end) == (D("2026-10-20"), D("2026-10-27"))


def test_week_boundary_monday_start():
    # Monday 11-02 and Sunday 11-08 are the same week; Monday 11-09 starts the next one
    assert streak(days("2026-11-02", "2026-11-08"), WEEK, D("2026-11-08")).longest == 1
    assert streak(days("2026-11-08", "2026-11-09"), WEEK, D("2026-11-09")).longest == 2


def test_configured_first_day_sunday():
    sunday = PeriodConfig(period="week", week_start=6, half_life=5)
    # with Sunday weeks, Sun 11-08 and Mon 11-09 fall in the same week (11-08..11-14)
    assert streak(days("2026-11-08", "2026-11-09"), sunday, D("2026-11-09")).longest == 1
    # and Sat 11-07 / Sun 11-08 are two weeks
    assert streak(days("2026-11-07", "2026-11-08"), sunday, D("2026-11-09")).longest == 2


def test_day_periods():
    s = streak(days("2026-11-19", "2026-11-20", "2026-11-21"), DAY, D("2026-11-22"))
    assert (s.current, s.longest) == (3, 3)  # today (11-22) empty: still alive
    s = streak(days("2026-11-19", "2026-11-21"), DAY, D("2026-11-22"))
    assert (s.current, s.longest) == (1, 1)  # 11-20 empty breaks it


def test_non_mastery_wins_count_for_practice_only():
    entries = [
        mk("2026-11-03"),
        mk("2026-11-10", source="vicarious"),
        mk("2026-11-17", "setback", lesson="x"),
    ]
    ev = analyse(entries, Config(), D("2026-11-22"))
    f = ev.domains["d"]
    # mastery: only the week of 11-02 -> 11-09 has no mastery win -> broken
    assert (f.mastery.current, f.mastery.longest) == (0, 1)
    # practice: three weeks in a row, any entry counts
    assert (f.practice.current, f.practice.longest) == (3, 3)


def test_rest_period_bridges_a_gap_and_partial_rest_does_not():
    rest = frozenset(D(f"2026-08-{d:02d}") for d in range(3, 10))  # Mon 08-03 .. Sun 08-09
    cfg = PeriodConfig(period="week", week_start=0, half_life=5, rest=rest)
    dates = days("2026-07-28", "2026-08-12")  # weeks of 07-27 and 08-10
    assert streak(dates, cfg, D("2026-08-12")).current == 2
    assert streak(dates, WEEK, D("2026-08-12")).current == 1
    partial = PeriodConfig(period="week", week_start=0, half_life=5, rest=rest - {D("2026-08-09")})
    assert streak(dates, partial, D("2026-08-12")).current == 1


def test_tie_goes_to_the_most_recent_run():
    s = streak(days("2026-09-08", "2026-09-15", "2026-10-06", "2026-10-13"), WEEK, D("2026-11-22"))
    assert s.longest == 2
    assert (s.longest_start, s.longest_end) == (D("2026-10-06"), D("2026-10-13"))


def test_no_entries_gives_zero_and_no_dates():
    s = streak([], WEEK, D("2026-11-22"))
    assert (s.current, s.longest, s.longest_start, s.longest_end) == (0, 0, None, None)


# --- strength: m = 0.5 ** (1/5) = 0.870550563...; s = m*s + (1-m)*v -------------------------


M = 0.5 ** (1 / 5)


def test_strength_rises_with_wins_and_decays_without():
    first = D("2026-11-02")
    # two weeks with wins: s1 = 1-m = 0.12945; s2 = m*s1 + (1-m) = (1-m)(1+m) = 0.24214
    two = strength_series(days("2026-11-03", "2026-11-10"), first, WEEK, D("2026-11-15"))
    assert len(two) == 2
    assert two[-1][1] == pytest.approx((1 - M) * (1 + M))
    assert strength(two) == 24
    # the next week passes without a win: s3 = m * s2 = 0.21080
    decayed = strength_series(days("2026-11-03", "2026-11-10"), first, WEEK, D("2026-11-23"))
    assert decayed[-1][1] == pytest.approx(M * (1 - M) * (1 + M))
    assert strength(decayed) == 21


def test_unfinished_period_is_not_a_miss():
    # today 11-18 is in the week of 11-16, which has no win yet: it is left out -> still 24
    series = strength_series(
        days("2026-11-03", "2026-11-10"), D("2026-11-02"), WEEK, D("2026-11-18")
    )
    assert strength(series) == 24
    # ...and it counts as soon as it holds a win: s3 = m*s2 + (1-m) = (1-m)(1+m+m^2) = 0.33
    series = strength_series(
        days("2026-11-03", "2026-11-10", "2026-11-17"), D("2026-11-02"), WEEK, D("2026-11-18")
    )
    assert strength(series) == round(100 * (1 - M) * (1 + M + M * M)) == 34


def test_strength_skips_rest_periods():
    rest = frozenset(D(f"2026-11-{d:02d}") for d in range(9, 16))  # the week of 11-09
    cfg = PeriodConfig(period="week", week_start=0, half_life=5, rest=rest)
    series = strength_series(days("2026-11-03"), D("2026-11-02"), cfg, D("2026-11-15"))
    assert strength(series) == round(100 * (1 - M)) == 13  # no decay over the rest week


# --- rates, calibration, attribution, lessons -------------------------------------------------


def test_early_and_recent_win_rates():
    # 3 setbacks, then 9 wins: early = first 10 = 7/10, recent = last 10 = 9/10 (one setback)
    entries = [mk(f"2026-05-{i:02d}", "setback" if i <= 3 else "win") for i in range(1, 13)]
    f = analyse(entries, Config(), D("2026-11-22")).domains["d"]
    assert (f.early_win_rate, f.recent_win_rate, f.win_rate) == (0.7, 0.9, 0.75)
    assert win_rate([]) is None


def test_calibration_needs_five_rated_entries():
    entries = [mk("2026-05-01", confidence=c) for c in (3, 5, 7, 9)] + [mk("2026-05-02")]
    c = calibration(entries)
    assert (c.rated, c.congruence, c.brier) == (4, None, None)
    assert [b.count for b in c.bins] == [1, 1, 1, 1]


def test_congruence_and_brier_worked_example():
    entries = [
        mk("2026-05-01", "win", confidence=8),  # expected, won      -> match; (0.8-1)^2 = 0.04
        mk("2026-05-02", "setback", confidence=7),  # expected, lost     -> miss;  (0.7-0)^2 = 0.49
        mk("2026-05-03", "win", confidence=3),  # not expected, won  -> miss;  (0.3-1)^2 = 0.49
        mk("2026-05-04", "win", confidence=9),  # expected, won      -> match; (0.9-1)^2 = 0.01
        mk("2026-05-05", "setback", confidence=5),  # not expected, lost -> match; (0.5-0)^2 = 0.25
    ]
    c = calibration(entries)
    assert c.congruence == pytest.approx(3 / 5)
    assert c.brier == pytest.approx((0.04 + 0.49 + 0.49 + 0.01 + 0.25) / 5)  # 0.256
    assert [(b.label, b.count, b.wins) for b in c.bins] == [
        ("1-3", 1, 1),
        ("4-6", 1, 0),
        ("7-8", 2, 1),
        ("9-10", 1, 1),
    ]


def test_calibration_sentence_flags_underconfidence():
    entries = [mk("2026-05-01", "win", confidence=5) for _ in range(7)]
    entries += [mk("2026-05-02", "setback", confidence=4) for _ in range(2)]
    c = calibration(entries)
    mid = c.bins[1]
    assert mid.sentence() == (
        "When you rated your confidence 4–6 you succeeded in 7 of 9 "
        "attempts. You underestimated yourself."
    )


def test_attribution_mix():
    entries = [
        mk("2026-05-01", "setback", attribution=a)
        for a in ("effort", "strategy", "preparation", "luck", "circumstances", "ability", None)
    ] + [mk("2026-05-02", "win", attribution="luck")]
    assert attribution_mix(entries) == {
        "controllable": 3,
        "external": 2,
        "ability": 1,
        "unrecorded": 1,
    }


def test_open_and_applied_lessons():
    a = mk("2026-05-01", "setback", id="a", lesson="pace yourself")
    b = mk("2026-05-02", "setback", id="b", lesson="eat first")
    c = mk("2026-05-03", "setback", id="c")  # no lesson: neither open nor applied
    w = mk("2026-05-04", "win", id="w", follows="a")
    entries = [a, b, c, w]
    result = lessons(entries, followers(entries))
    assert (result.with_lesson, result.applied, result.open) == (2, 1, 1)
    assert result.follow_through == 0.5
    ev = analyse(entries, Config(), D("2026-11-22"))
    assert [e.id for e in ev.open_lessons] == ["b"]


def test_counter_evidence_prefers_recent_wins_at_equal_or_higher_difficulty():
    wins = [
        mk("2026-03-01", difficulty=9, id="w9"),
        mk("2026-04-01", difficulty=8, id="w8"),
        mk("2026-05-01", difficulty=7, id="w7"),
        mk("2026-05-20", difficulty=6, id="w6"),
        mk("2026-05-25", difficulty=5, id="w5"),
        mk("2026-06-20", difficulty=9, id="later"),
    ]
    index = WinIndex(wins)
    setback = mk("2026-06-10", "setback", difficulty=6)
    # at >= 6 and earlier: w9, w8, w7, w6 -> the three most recent
    assert [e.id for e in index.counter_evidence(setback)] == ["w6", "w7", "w8"]
    # nothing at 10: the nearest below instead, hardest first
    hard = mk("2026-06-10", "setback", difficulty=10)
    assert [e.id for e in index.counter_evidence(hard)] == ["w9", "w8", "w7"]
    # no difficulty recorded: the three most recent earlier wins
    unrated = mk("2026-06-10", "setback")
    assert [e.id for e in index.counter_evidence(unrated)] == ["w5", "w6", "w7"]


def test_json_shape_with_no_data_figures():
    ev = analyse([mk("2026-11-20", "setback", lesson="x")], Config(), D("2026-11-22"))
    data = ev.to_json()
    assert set(data) == {"today", "period", "overall", "domains", "plans"}
    d = data["domains"]["d"]
    assert d["calibration"] == {
        "rated": 0,
        "congruence": None,
        "brier": None,
        "bins": [
            {"range": "1-3", "count": 0, "win_rate": None},
            {"range": "4-6", "count": 0, "win_rate": None},
            {"range": "7-8", "count": 0, "win_rate": None},
            {"range": "9-10", "count": 0, "win_rate": None},
        ],
        "bias": None,
        "preregistered": d["calibration"]["preregistered"],
        "retrospective": d["calibration"]["retrospective"],
    }
    assert d["calibration"]["preregistered"]["rated"] == 0
    assert d["mastery_streak"] == {
        "current": 0,
        "longest": 0,
        "longest_start": None,
        "longest_end": None,
    }
    assert d["win_rate"] == 0.0 and d["lessons"] == {"with_lesson": 1, "applied": 0, "open": 1}
    assert data["overall"]["practice_streak"]["current"] == 1
