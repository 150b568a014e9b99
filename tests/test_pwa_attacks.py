"""The app on a phone (issue 26), attacked: an offline list that points at another origin or
outside the folder, a publish number forged on an older publish, a cache over its budget, a
worker of another version taking over, a tab left open on an older publish, and journals under
sub-paths with spaces and accents on one origin. Real Chromium, real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from journal.publish.icons import png
from tests.conftest import entry
from tests.test_publish import edit, files_of
from tests.test_publish import fast_kdf as fast_kdf  # noqa: F401 - the same autouse fixture
from tests.test_publish_browser import open_entry, unlock
from tests.test_pwa import (
    APP_FILES,
    Host,
    cached,
    context_fixture,  # noqa: F401 - the fixture "context"
    host_fixture,  # noqa: F401 - the fixture "host"
    installability,
    make_app,
    publish_number,
    republish,
    visit_and_keep,
    wait_device,
)


def wait_for_state(page, test) -> dict:
    """The worker's note (numbers and addresses), once `test` holds for it."""
    for _ in range(150):
        notes = [json.loads(b) for n, _u, b in cached(page) if n.endswith(" state")]
        if notes and test(notes[0]):
            return notes[0]
        page.wait_for_timeout(100)
    raise AssertionError(f"the worker's note stayed {notes}")


def current(page) -> int:
    """The publish this device holds whole (0: none)."""
    notes = [json.loads(b) for n, _u, b in cached(page) if n.endswith(" state")]
    return notes[0]["current"] if notes else 0


def kinds(page) -> set[str]:
    """The kinds of cache the worker made for the journal in `page`'s folder."""
    return {name.split(" ", 2)[2] for name, _u, _b in cached(page)}


# --- an offline list that points elsewhere ------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    ["outside the folder", "another origin", "an object on another origin", "a bad hash"],
)
def test_a_list_pointing_elsewhere_is_refused_whole(tmp_path, host, context, where):
    _root, out, _ring = make_app(tmp_path)
    elsewhere = Host(tmp_path / "elsewhere", "127.0.0.2")  # another origin, watched
    try:
        listed = json.loads((out / "offline.json").read_text())
        other = f"http://127.0.0.2:{elsewhere.port}"
        bad = {
            "outside the folder": ("shell", ["../outside.js", 10, "A" * 22]),
            "another origin": ("shell", [f"{other}/assets/x.css", 10, "A" * 22]),
            "an object on another origin": (
                "objects",
                [f"{other}/p/{'a' * 24}.js?v={'A' * 22}", 9],
            ),
            "a bad hash": ("objects", [f"p/{'a' * 24}.js?v=short", 9]),
        }[where]
        listed[bad[0]].append(bad[1])
        (out / "offline.json").write_text(json.dumps(listed))
        url = host.serve(out)
        page = context.new_page()
        page.goto(url)
        unlock(page)
        page.wait_for_selector("#journal-lock")  # the journal works online as before...
        open_entry(page, "Zebracorn stumble")
        page.wait_for_timeout(1500)  # ...and nothing is kept: the list was refused as a whole
        assert cached(page) == [] and not page.query_selector("#journal-device")
        assert elsewhere.log == []
        assert all(p.startswith("/journal/") or p == "/favicon.ico" for p in host.log), host.log
        assert "/journal/assets/style.css" in host.log and "/outside.js" not in host.log
    finally:
        elsewhere.close()


def test_an_altered_object_or_a_lying_size_is_never_kept(tmp_path, host, context):
    _root, out, _ring = make_app(tmp_path)
    url = host.serve(out)
    served = host.root / "journal"
    listed = json.loads((served / "offline.json").read_text())
    smallest, largest = (
        listed["objects"][0][0].split("?")[0],
        listed["objects"][-1][0].split("?")[0],
    )
    good = (served / smallest).read_bytes()
    (served / smallest).write_bytes(good.replace(b'","', b'","AAAA', 1)[:-8] + b'AAAA");\n')
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_timeout(1500)
    assert smallest not in {u.removeprefix(url).split("?")[0] for _n, u, _b in cached(page)}
    assert current(page) == 0  # no copy made: it would not be whole
    # the host puts it right: the next visit makes the copy
    (served / smallest).write_bytes(good)
    page.goto(url)
    wait_for_state(page, lambda state: state["current"] == listed["publish"])
    # a list that says an object is smaller than it is: the object is refused, no copy made
    page.evaluate("async () => { for (const n of await caches.keys()) await caches.delete(n); }")
    listed["objects"][-1][1] -= 1000
    (served / "offline.json").write_text(json.dumps(listed))
    page.goto(url)
    page.wait_for_timeout(1500)
    assert largest not in {u.removeprefix(url).split("?")[0] for _n, u, _b in cached(page)}
    assert current(page) == 0


# --- an older publish under a forged number -----------------------------------------------------


def test_a_forged_publish_number_is_caught_after_unlocking(tmp_path, host, context):
    root, out, ring = make_app(tmp_path)
    older = tmp_path / "older"
    shutil.copytree(out, older)
    edit(root, "Quokkafish again.", "Quokkafish again, and a heronword.")
    republish(root, out, ring)
    url = host.serve(out)
    visit_and_keep(context, url).close()
    # the host serves the older publish, its offline.json claiming a number above the newer
    listed = json.loads((older / "offline.json").read_text())
    listed["publish"] = publish_number(out, ring) + 1000
    (older / "offline.json").write_text(json.dumps(listed))
    host.serve(older)
    page = context.new_page()
    page.goto(url)
    unlock(page)
    page.wait_for_selector("#journal-notice")
    notice = page.inner_text("#journal-notice")
    assert "offline list does not match its sealed contents" in notice
    assert "the published copy was altered" in notice
    open_entry(page, "Zebracorn again")
    assert page.is_visible("#journal-notice")  # on every page
    # kept on the device under the forged number, and flagged there too when offline
    wait_for_state(page, lambda state: state["current"] == listed["publish"])
    context.set_offline(True)
    page.goto(url)
    unlock(page)
    page.wait_for_selector("#journal-notice")
    assert "does not match its sealed contents" in page.inner_text("#journal-notice")


def test_a_shell_without_its_offline_list_does_not_replace_the_device_s_copy(
    tmp_path, host, context
):
    root, out, ring = make_app(tmp_path)
    url = host.serve(out)
    visit_and_keep(context, url).close()
    edit(root, "Quokkafish again.", "Quokkafish again, and a heronword.")
    republish(root, out, ring)
    host.serve(out)
    (host.root / "journal" / "offline.json").unlink()  # deleted, or not there yet
    page = context.new_page()
    page.goto(url)
    said = wait_device(page, "could not be checked")
    assert said.startswith("This is the copy kept on this device (published ")
    unlock(page)
    open_entry(page, "Zebracorn again")
    assert "heronword" not in page.inner_text("main")  # the device's (whole) copy
    shutil.copy(out / "offline.json", host.root / "journal" / "offline.json")
    page.goto(url)  # the list is back: the newer publish comes to the device
    unlock(page)
    page.wait_for_selector("#journal-lock")
    wait_device(page, "Updated")
    open_entry(page, "Zebracorn again")
    assert "heronword" in page.inner_text("main")


# --- over the budget ----------------------------------------------------------------------------


def noise(side: int, seed: int) -> bytes:
    """An incompressible PNG (a square of pseudo-random pixels): its sealed size is its size."""
    rows, state = [], seed
    for _y in range(side):
        row = bytearray()
        for _x in range(side):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            row += bytes((state >> 16 & 255, state >> 8 & 255, state & 255, 255))
        rows.append(bytes(row))
    return png(side, side, rows)


LARGE = {
    **APP_FILES,
    "2026/2026-05-01-heron-one.md": entry(
        "2026-05-01", "win", "pangolin-dance", "![One](big/one.png)", title="Heron one"
    ),
    "2026/2026-05-02-heron-two.md": entry(
        "2026-05-02", "win", "pangolin-dance", "![Two](big/two.png)", title="Heron two"
    ),
}


def large_photos(root: Path) -> None:
    (root / "entries/2026/big").mkdir(parents=True, exist_ok=True)
    (root / "entries/2026/big/one.png").write_bytes(noise(300, 1))
    (root / "entries/2026/big/two.png").write_bytes(noise(300, 2))


def sizes(out: Path, photos: set[str]) -> tuple[int, int]:
    """(what the worker keeps ahead without the photos, the larger photo's object), in bytes,
    from offline.json: the shell files, the list itself and every other object."""
    text = (out / "offline.json").read_text()
    listed = json.loads(text)
    base = len(text) + sum(size for _p, size, _h in listed["shell"])
    base += sum(size for url, size in listed["objects"] if url.split("?")[0] not in photos)
    return base, max(size for url, size in listed["objects"] if url.split("?")[0] in photos)


def photo_objects(out: Path) -> set[str]:
    """The two large photos' object files: the only objects over 300 KB."""
    return {n for n, data in files_of(out).items() if n.startswith("p/") and len(data) > 300_000}


def test_over_the_budget_large_files_come_on_demand_and_the_least_recent_goes(
    tmp_path, host, context
):
    root, out, ring = make_app(tmp_path, files=LARGE)
    large_photos(root)
    republish(root, out, ring)
    photos = photo_objects(out)
    assert len(photos) == 2
    base, photo = sizes(out, photos)
    # room for the rest and one photo, not two; ahead (3/4 of it) the rest only
    budget = base + photo + photo // 4
    (root / "journal.toml").write_text(f"offline_budget_mb = {budget / 1_000_000}\n")
    republish(root, out, ring)
    base, photo = sizes(out, photo_objects(out))
    assert base + photo <= budget < base + 2 * photo and budget * 3 // 4 < base + photo
    url = host.serve(out)
    page = visit_and_keep(context, url)

    def kept() -> set[str]:
        return {u.removeprefix(url).split("?")[0] for n, u, _b in cached(page) if "objects" in n}

    assert kept() == {n for n in files_of(out) if n.startswith("p/")} - photos  # not ahead
    before: dict = {}
    for title in ("Heron one", "Heron two"):  # each opened online: kept, the older dropped
        open_entry(page, title)
        page.wait_for_function("() => document.querySelector('main img')?.naturalWidth === 300")
        state = wait_for_state(page, lambda s, old=before: len(s["kept"]) == 1 and s["kept"] != old)
        before = state["kept"]
        assert len(kept() & photos) == 1
    total = sum(len(body) for name, _u, body in cached(page) if not name.endswith(" state"))
    assert base + photo <= total <= budget  # everything but one photo, within the budget
    # with the network gone: the photo opened last shows, the other says why it does not
    context.set_offline(True)
    page.goto(url)
    unlock(page)
    page.wait_for_selector("#journal-lock")
    shown = {}
    for title in ("Heron one", "Heron two"):
        open_entry(page, title)
        page.wait_for_function(
            "() => { const i = document.querySelector('main img');"
            " return i && (i.naturalWidth === 300 || i.title); }"
        )
        shown[title] = page.eval_on_selector("main img", "i => i.naturalWidth || i.title")
    assert shown["Heron two"] == 300
    assert shown["Heron one"].startswith("This is not kept on this device for reading offline")


# --- a worker of another version ----------------------------------------------------------------


def test_a_worker_of_another_version_takes_over_and_leaves_nothing_behind(tmp_path, host, context):
    root, out, ring = make_app(tmp_path)
    url = host.serve(out)
    visit_and_keep(context, url).close()
    edit(root, "Quokkafish again.", "Quokkafish again, and a heronword.")
    republish(root, out, ring)
    host.serve(out)
    worker = host.root / "journal" / "sw.js"  # the next version, with a cache format of its own
    worker.write_text(worker.read_text().replace('"evidence-journal/1"', '"evidence-journal/2"'))
    page = context.new_page()
    page.goto(url)
    unlock(page)
    page.wait_for_selector("#journal-lock")
    page.wait_for_function(
        "async () => (await caches.keys()).length === 3 && (await caches.keys())"
        ".every(n => n.startsWith('evidence-journal/2 '))",
        polling=200,
    )
    assert kinds(page) == {"objects", "state", f"publish {publish_number(out, ring)}"}
    context.set_offline(True)
    page.goto(url)
    unlock(page)
    open_entry(page, "Zebracorn again")
    assert "heronword" in page.inner_text("main")


def test_a_tab_left_open_on_an_older_publish_never_mixes(tmp_path, host, context):
    root, out, ring = make_app(tmp_path)
    url = host.serve(out)
    visit_and_keep(context, url).close()
    old_tab = context.new_page()
    old_tab.goto(url)
    unlock(old_tab)
    old_tab.wait_for_selector("#journal-lock")
    edit(root, "Quokkafish again.", "Quokkafish again, and a heronword.")
    republish(root, out, ring)
    host.serve(out)
    new_tab = context.new_page()
    new_tab.goto(url)
    wait_device(new_tab, "Updated")
    said = wait_device(old_tab, "newer publish")
    assert said.startswith("A newer publish of the journal (") and said.endswith(
        "reload to read it."
    )
    # the changed page: gone from the device with its publish, and the host's file is the
    # newer one under the same name, which this tab's (older) sealed manifest refuses
    old_tab.click("a >> text=Zebracorn again >> nth=0")
    old_tab.wait_for_selector("#journal-refused")
    assert "not the version this publish" in old_tab.inner_text("#journal-refused")
    assert "heronword" not in old_tab.inner_text("body")  # never the other publish's page


# --- sub-paths with spaces and accents, two journals on one origin ------------------------------


def test_two_journals_under_sub_paths_with_spaces_and_accents(
    tmp_path, host, context, playwright_instance
):
    files = {**APP_FILES, "/templates/assets/my font é.txt": "x"}
    _root, mine, _ring = make_app(tmp_path / "a", files=files)
    other_files = {**APP_FILES}
    other_files["2026/2026-04-02-kumquat-again.md"] = other_files[
        "2026/2026-04-02-kumquat-again.md"
    ].replace("Quokkafish again.", "Quokkafish, otherjournalword.")
    _root, theirs, _ring = make_app(tmp_path / "b", files=other_files)
    url = host.serve(mine, "my journal ü")
    other = host.serve(theirs, "my journal ü other")
    assert url.endswith("/my%20journal%20%C3%BC/")
    assert installability(playwright_instance, url) == ([], url + "manifest.webmanifest")
    page = visit_and_keep(context, url)
    visit_and_keep(context, other).close()
    assert {n.split(" ")[1] for n, _u, _b in cached(page)} == {url, other}  # one set each
    assert url + "assets/my%20font%20%C3%A9.txt" in {u for _n, u, _b in cached(page)}
    context.set_offline(True)
    for address, word in ((url, "Quokkafish again."), (other, "otherjournalword")):
        page.goto(address)
        unlock(page)
        page.wait_for_selector("#journal-lock")
        open_entry(page, "Zebracorn again")
        assert word in page.inner_text("main")
