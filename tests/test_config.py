"""journal.toml: defaults, per-domain settings, and problems located by line."""

from __future__ import annotations

from datetime import date

import pytest

from journal.config import Config, load_config
from journal.errors import ProblemsError
from journal.load.journal import load_journal
from tests.conftest import entry


def test_no_config_gives_defaults(tmp_path):
    config, problems = load_config(tmp_path)
    assert config == Config() and problems == []
    assert config.streaks.period == "week" and config.streaks.half_life == 5


def test_domain_settings_override_journal_and_rest_adds_up(tmp_path):
    (tmp_path / "journal.toml").write_text(
        'title = "T"\n[streaks]\nweek_start = "sunday"\nrest = ["2026-08-03..2026-08-05"]\n'
        '[domains.running]\nname = "Running"\nperiod = "day"\nrest = ["2026-11-18"]\n'
        '[domains."Public speaking"]\nhalf_life = 8\n'
    )
    config, problems = load_config(tmp_path)
    assert problems == []
    running = config.period_for("running")
    assert running.period == "day" and running.half_life == 13  # the default for days
    assert running.week_start == 6
    assert running.rest == {
        date(2026, 8, 3),
        date(2026, 8, 4),
        date(2026, 8, 5),
        date(2026, 11, 18),
    }
    assert config.period_for("public-speaking").half_life == 8
    assert config.period_for("other").period == "week"


def test_unknown_keys_warn_and_bad_values_are_errors_with_lines(tmp_path):
    (tmp_path / "journal.toml").write_text(
        'title = "T"\ntitel = "x"\n[streaks]\nperiod = "fortnight"\nrest = ["2026-13-01"]\n'
        "[domains.running]\nhalf_lfe = 3\n"
    )
    (tmp_path / "entries").mkdir()
    (tmp_path / "entries" / "a.md").write_text(entry("2026-05-01"))
    with pytest.raises(ProblemsError) as info:
        load_journal(tmp_path)
    assert [str(p) for p in info.value.problems] == [
        "journal.toml:2: unknown key `titel` in the top level is ignored; "
        "did you mean `title`? [warning]",
        "journal.toml:4: period is 'fortnight' (expected week, day or month)",
        "journal.toml:5: rest has '2026-13-01' (expected a list of \"YYYY-MM-DD\" or "
        '"YYYY-MM-DD..YYYY-MM-DD" strings)',
        "journal.toml:7: unknown key `half_lfe` in [domains.running] is ignored; "
        "did you mean `half_life`? [warning]",
    ]


def test_toml_syntax_error_has_its_line(tmp_path):
    (tmp_path / "journal.toml").write_text('title = "T"\n[streaks\n')
    _, problems = load_config(tmp_path)
    assert len(problems) == 1 and problems[0].line == 2
    assert "TOML syntax error" in problems[0].message
