"""A warm build equals a cold build, byte for byte, after every kind of change.

Each case builds a journal (so the memo is warm), changes one thing, builds again, and
compares every output file with a cold build of the changed journal in a fresh copy (no
memo). Run with the default templates and with a "kitchen sink" override set whose
templates print every field of every object they receive, so a page that depends on
something its key leaves out shows up as a difference. The preview is checked the same
way, through a real server and its watcher.
"""

from __future__ import annotations

import importlib.metadata
import pickle
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import markdown_it
import pytest

from journal.build import Options, build
from journal.errors import JournalError
from journal.memo import CACHE_DIR
from journal.serve import PreviewServer
from tests import cold
from tests.conftest import entry, write_journal

TODAY = date(2026, 11, 22)

BASE = {
    "2026/2026-09-01-first-talk.md": entry(
        "2026-09-01",
        "setback",
        "Public speaking",
        title="First talk",
        tags="[talks]",
        lesson="Rehearse the Q&A",
        difficulty=6,
        confidence=3,
        body="I *rushed* it.",
    ),
    "2026/2026-09-05-5k.md": entry(
        "2026-09-05",
        "win",
        "running",
        title="Ran 5k",
        tags="[outdoors, milestone]",
        difficulty=4,
        confidence=6,
        body="Slow and steady.",
    ),
    "2026/2026-09-28-hills.md": entry(
        "2026-09-28",
        "win",
        "running",
        title="Hill repeats",
        difficulty=7,
        confidence=4,
        body="Six repeats.\n\n## What specific actions led to this?\n\nShort steps.",
    ),
    "2026/2026-10-02-second-talk.md": entry(
        "2026-10-02",
        "win",
        "public-speaking",
        title="Second talk",
        tags="talks, milestone",
        follows="2026-09-01-first-talk",
        difficulty=7,
        confidence=5,
        body="Calm this time.",
    ),
    "2026/2026-10-15-missed.md": entry(
        "2026-10-15",
        "setback",
        "running",
        title="Missed the long run",
        lesson="Sleep",
        attribution="preparation",
        difficulty=5,
        body="Overslept.",
    ),
    "2026/2026-11-01-tempo.md": entry(
        "2026-11-01",
        "win",
        "running",
        title="Tempo run",
        source="vicarious",
        body="Watched a friend first.",
    ),
    "2026/2026-11-03-draft.md": entry(
        "2026-11-03", "win", "running", title="Secret draft", draft="true", body="Draft."
    ),
    "2026/2026-11-04-private.md": entry(
        "2026-11-04", "win", "cooking", title="Private risotto", private="true", body="Mine."
    ),
}
CONFIG = 'title = "Test journal"\n[domains.running]\nname = "Running"\n'

# Templates that print every field of every object they receive (dataclass reprs hold
# every field, nested): a page printing data outside its key would differ when warm.
SINK_FIELDS = {
    "entry.html": "entry prev next followed_by follows counter_evidence",
    "domain.html": "domain figures setbacks applied_by charts",
    "tag.html": "tag entries",
    "month.html": "month month_date entries newer older",
    "archive.html": "months tags domains",
    "streaks.html": "overall rows overall_strip strips",
    "lessons.html": "overall mix_chart sections applied_by",
    "index.html": "domains recent wins setbacks on_this_day looking_back overall open_lessons "
    "cards heatmap sparklines",
    "search.html": "domains",
}
COMMON = "site_title author base_url today domain_names preview encrypted"


def sink_templates() -> dict[str, str]:
    files = {}
    for name, fields in SINK_FIELDS.items():
        dump = "|".join(f"{{{{ {f} }}}}" for f in (fields + " " + COMMON).split())
        files[f"/templates/{name}"] = (
            f'{{% extends "default/{name}" %}}{{% block main %}}{{{{ super() }}}}'
            f'<pre class="sink">{dump}</pre>{{% endblock %}}\n'
        )
    files["/templates/_entry_item.html"] = "<li>{{ e }}|{{ show_domain }}|{{ link }}</li>\n"
    files["/templates/feed.xml"] = "{% for e in entries %}{{ e }}\n{% endfor %}"
    return files


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cold_copy(root: Path, where: Path, options: Options) -> dict[str, bytes]:
    """A cold build of the journal as it is now, in a fresh folder with no memo (an empty
    one in memory; the templates compiled once per process: tests/cold.py)."""
    fresh = cold.fresh_copy(root, where / "cold")
    cold.cold_build(fresh, fresh / "site", options)
    assert not (root / CACHE_DIR).resolve().is_relative_to(fresh.resolve())
    assert not (fresh / CACHE_DIR).exists()
    return tree(fresh / "site")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / "entries" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def config(root: Path, text: str) -> None:
    (root / "journal.toml").write_text(CONFIG + text, encoding="utf-8")


CHANGES: dict[str, Callable[[Path], None]] = {
    "body": lambda r: edit(r, "2026/2026-09-05-5k.md", "Slow and steady.", "Fast, finally."),
    "title": lambda r: edit(r, "2026/2026-09-05-5k.md", "title: Ran 5k", "title: First 5k"),
    "date across months and weeks": lambda r: edit(
        r, "2026/2026-10-02-second-talk.md", "date: 2026-10-02", "date: 2026-11-10"
    ),
    "domain": lambda r: edit(r, "2026/2026-09-28-hills.md", "domain: running", "domain: hiking"),
    "domain display name": lambda r: config(r, ""),
    "domain name as written": lambda r: edit(
        r, "2026/2026-10-02-second-talk.md", "domain: public-speaking", "domain: Speaking up"
    ),
    "tags": lambda r: edit(r, "2026/2026-09-05-5k.md", "[outdoors, milestone]", "[track]"),
    "draft toggle": lambda r: edit(r, "2026/2026-11-03-draft.md", "draft: true", "draft: false"),
    "private toggle": lambda r: edit(
        r, "2026/2026-09-28-hills.md", "difficulty: 7", "difficulty: 7\nprivate: true"
    ),
    "follows": lambda r: edit(
        r, "2026/2026-11-01-tempo.md", "source: vicarious", "follows: 2026-10-15-missed"
    ),
    "add": lambda r: (r / "entries" / "2026" / "2026-11-20-new.md").write_text(
        entry("2026-11-20", "win", "running", title="New one", difficulty=8, body="New.")
    ),
    "delete": lambda r: (r / "entries" / "2026" / "2026-09-28-hills.md").unlink(),
    "rename": lambda r: (r / "entries" / "2026" / "2026-09-05-5k.md").rename(
        r / "entries" / "2026" / "2026-09-05-five-k.md"
    ),
    "name with # ? % and spaces": lambda r: (r / "entries" / "2026" / "2026-11-01-tempo.md").rename(
        r / "entries" / "2026" / "2026-11-01 tempo #1 ?%é.md"
    ),
    "config period, rest and names": lambda r: config(
        r,
        '[streaks]\nperiod = "day"\nrest = ["2026-10-01..2026-10-07"]\n'
        '[domains.public-speaking]\nname = "Talks"\n',
    ),
    "template added": lambda r: write_journal(
        r,
        {"/templates/tag.html": '{% extends "default/tag.html" %}{% block title %}T{% endblock %}'},
    ),
    "static file added": lambda r: write_journal(r, {"/static/robots.txt": "User-agent: *\n"}),
    "photo added and shown": lambda r: (
        (r / "entries" / "2026" / "stage.png").write_bytes(b"\x89PNG first"),
        edit(
            r,
            "2026/2026-10-02-second-talk.md",
            "Calm this time.",
            "Calm this time.\n\n![The stage](stage.png)",
        ),
    ),
    "photo replaced": lambda r: (r / "entries" / "2026" / "stage.png").write_bytes(b"\x89PNG 2"),
    "static file shadowing a page": lambda r: write_journal(r, {"/static/404.html": "static"}),
    # issue 24: a page's links depend on other entries (their titles, ids, whether shown)
    "links added": lambda r: (r / "entries" / "2026" / "2026-11-21-links.md").write_text(
        entry(
            "2026-11-21",
            "win",
            "running",
            title="Links",
            body="[[First talk]], [[2026-09-01-first-talk|that]] and "
            "[t](2026-09-01-first-talk.md#x).",
        )
    ),
    "linked entry retitled": lambda r: edit(
        r, "2026/2026-09-01-first-talk.md", "title: First talk", "title: The first talk"
    ),
    "linked entry made private": lambda r: edit(
        r, "2026/2026-09-01-first-talk.md", "difficulty: 6", "difficulty: 6\nprivate: true"
    ),
}


def undo_static_shadow(root: Path) -> None:
    (root / "static" / "404.html").unlink()


@pytest.fixture(params=["default templates", "kitchen sink"])
def templates(request) -> dict[str, str]:
    return {} if request.param == "default templates" else sink_templates()


def make(tmp_path: Path, templates: dict[str, str]) -> Path:
    return write_journal(tmp_path / "j", {**BASE, **templates}, CONFIG)


def assert_warm_equals_cold(root: Path, tmp_path: Path, options: Options) -> None:
    build(root, root / "site", options)
    assert tree(root / "site") == cold_copy(root, tmp_path, options)


@pytest.mark.parametrize("change", list(CHANGES))
def test_warm_build_after_a_change_equals_a_cold_build(tmp_path, templates, change):
    root = make(tmp_path, templates)
    options = Options(today=TODAY)
    build(root, root / "site", options)
    CHANGES[change](root)
    assert_warm_equals_cold(root, tmp_path, options)


def test_every_change_in_turn_and_back(tmp_path, templates):
    """One memo through all changes in a row, including template and static removals."""
    root = make(tmp_path, templates)
    options = Options(today=TODAY)
    build(root, root / "site", options)
    for change in CHANGES.values():
        change(root)
        assert_warm_equals_cold(root, tmp_path, options)
    undo_static_shadow(root)  # the page it shadowed comes back
    assert_warm_equals_cold(root, tmp_path, options)
    (root / "templates" / "tag.html").write_text('{% extends "default/tag.html" %}')  # changed
    assert_warm_equals_cold(root, tmp_path, options)
    (root / "templates" / "tag.html").unlink()  # removed
    assert_warm_equals_cold(root, tmp_path, options)


def test_today_and_options(tmp_path, templates):
    root = make(tmp_path, templates)
    build(root, root / "site", Options(today=TODAY))
    for options in (
        Options(today=date(2027, 11, 22)),
        Options(today=date(2026, 10, 1)),
        Options(today=TODAY, drafts=True),
        Options(today=TODAY),
    ):
        assert_warm_equals_cold(root, tmp_path, options)


def test_a_dependency_upgrade_is_noticed(tmp_path, monkeypatch):
    """markdown-it-py "upgraded" to a version that renders differently: the memo made
    with the old version must not be used."""
    root = make(tmp_path, {})
    options = Options(today=TODAY)
    build(root, root / "site", options)
    original = markdown_it.renderer.RendererHTML.render

    def render(self, tokens, opts, env):  # noqa: ANN001
        return original(self, tokens, opts, env) + "<!-- markdown-it 99 -->\n"

    real_version = importlib.metadata.version

    def version(distribution: str) -> str:
        return "99.0.0" if distribution == "markdown-it-py" else real_version(distribution)

    monkeypatch.setattr(importlib.metadata, "version", version)
    monkeypatch.setattr(markdown_it.renderer.RendererHTML, "render", render)
    assert_warm_equals_cold(root, tmp_path, options)
    assert b"markdown-it 99" in (root / "site" / "entries" / "2026-09-05-5k.html").read_bytes()


@pytest.mark.parametrize("damage", ["garbage memo", "foreign memo", "truncated objects"])
def test_a_damaged_memo_only_costs_time(tmp_path, damage):
    root = make(tmp_path, {})
    options = Options(today=TODAY)
    build(root, root / "site", options)
    edit(root, "2026/2026-09-05-5k.md", "Slow and steady.", "Changed.")
    cache = root / CACHE_DIR
    if damage == "garbage memo":
        (cache / "memo.pickle").write_bytes(b"\x80\x05garbage")
    elif damage == "foreign memo":
        (cache / "memo.pickle").write_bytes(pickle.dumps({"format": "other", "pages": 1}))
    else:
        for obj in (cache / "objects").rglob("*"):
            if obj.is_file():
                obj.write_bytes(obj.read_bytes()[:10])
    assert_warm_equals_cold(root, tmp_path, options)


def test_a_hand_edited_output_file_is_made_again(tmp_path):
    root = make(tmp_path, {})
    options = Options(today=TODAY)
    build(root, root / "site", options)
    page = root / "site" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"Test journal", b"Tampered"))
    assert_warm_equals_cold(root, tmp_path, options)
    assert b"Tampered" not in page.read_bytes()


def test_a_template_reaching_for_data_it_was_not_given_fails_loudly(tmp_path):
    """List items receive the frontmatter view: the body is not there to show."""
    root = make(tmp_path, {"/templates/_entry_item.html": "<li>{{ e.text }}</li>\n"})
    with pytest.raises(JournalError, match="template error"):
        build(root, root / "site", Options(today=TODAY))


def test_the_memo_stays_out_of_git_and_the_site(tmp_path):
    root = make(tmp_path, {})
    build(root, root / "site", Options(today=TODAY))
    assert (root / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not any(CACHE_DIR in p for p in tree(root / "site"))
    assert sorted(p.name for p in root.iterdir()) == [CACHE_DIR, "entries", "journal.toml", "site"]


# --- the preview: a real server, its watcher and its in-memory memo ------------------------


def wait_for_rebuild(server: PreviewServer, before: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.preview.rebuilds > before or server.preview.error:
            time.sleep(0.05)
            return
        time.sleep(0.02)
    raise AssertionError("the preview did not rebuild")


def test_preview_output_equals_a_cold_build_after_every_change(tmp_path, templates):
    root = make(tmp_path, {})  # templates/ is created while the preview runs
    options = Options(today=TODAY)
    preview_options = Options(today=TODAY, preview=True, drafts=True)
    server = PreviewServer(root, port=0, options=options).start()
    try:
        steps = [lambda r: write_journal(r, templates) if templates else None, *CHANGES.values()]
        steps.append(undo_static_shadow)
        for step in steps:
            before = server.preview.rebuilds
            step(root)
            if step is steps[0] and not templates:
                continue
            wait_for_rebuild(server, before)
            assert server.preview.error is None
            # the preview serves its site from memory: the same files, without the
            # marker `journal build` leaves in a folder it made
            truth = cold_copy(root, tmp_path, preview_options)
            truth.pop(".journal-site", None)
            assert server.preview.files == truth
    finally:
        server.stop()


@pytest.mark.parametrize(
    "stage", ["journal.load.journal:PARALLEL_MIN", "journal.render:RENDER_PARALLEL_MIN"]
)
def test_forked_workers_give_the_same_site_as_one_process(tmp_path, monkeypatch, stage):
    import importlib

    from journal import workers

    module_name, threshold = stage.split(":")
    module = importlib.import_module(module_name)
    root = make(tmp_path, {})
    options = Options(today=TODAY)
    monkeypatch.setattr(module, threshold, 10**9)
    build(root, tmp_path / "serial", options)
    shutil.rmtree(root / CACHE_DIR)  # so the second build parses and renders again
    calls = []
    real = workers.ProcessPoolExecutor

    class Spy(real):  # records that the worker pool was really used
        def __init__(self, *args, **kwargs):
            calls.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Spy)
    monkeypatch.setattr(module, threshold, 2)
    monkeypatch.setattr(workers, "fork_is_safe", lambda: True)  # browser tests leave a thread
    build(root, tmp_path / "parallel", options)
    assert calls, "the parallel path was not taken"
    assert tree(tmp_path / "parallel") == tree(tmp_path / "serial")


KEYS_SCRIPT = """
import json, sys
from datetime import date
from pathlib import Path
from journal.build import Options
from journal.engine import key_pages, list_site
from journal.pages.page import PageKeys
listed = list_site(Path(sys.argv[1]), Options(today=date(2026, 11, 22)))
key = PageKeys("global", listed.site.common())
keyed = key_pages(listed.pages, listed.shown.bodies, listed.index, key)
print(json.dumps({k.page.path: k.key for k in keyed}))
"""


def test_page_keys_are_the_same_in_every_process(tmp_path):
    """Keys must not depend on a process's hash seed (set order, say): else every build in
    a new process would render every page again. The sample journal has rest days."""
    import json
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", KEYS_SCRIPT, str(repo)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    assert len(runs[0]) > 100
    assert [p for p in runs[0] if runs[0][p] != runs[1].get(p)] == []
