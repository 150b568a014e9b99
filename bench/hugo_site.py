"""A minimal Hugo project from a generated journal, for the side-by-side in build_bench.py.

python bench/hugo_site.py JOURNAL_DIR PROJECT_DIR
One content page per entry (its title, date, domain, kind, difficulty and Markdown body),
`domains` as the only taxonomy (a list per domain and a list of domains), the entries'
section list and the home page; layouts are baseof, single, list and taxonomy, with
Hugo's defaults otherwise (its built-in RSS and sitemap included). Drafts stay drafts,
so Hugo skips them like `journal build` does; private entries are kept, as a local
`journal build` keeps them. Reads the files bench/generate.py writes, nothing else.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

CONFIG = """\
baseURL = "/"
title = "Benchmark journal"
languageCode = "en"
buildFuture = true
disableHugoGeneratorInject = true

[taxonomies]
domain = "domains"
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav>{{ range .Site.Taxonomies.domains.Alphabetical }}
<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a>
{{ end }}</nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "domains" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
· {{ .Params.kind }} · difficulty {{ .Params.difficulty }}</p>
{{ .Content }}
</article>
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time>{{ .Date.Format "2006-01-02" }}</time> {{ .Params.kind }}</li>
{{ end }}
</ul>
{{ end }}
"""

TAXONOMY = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>
{{ end }}
</ul>
{{ end }}
"""


def _value(raw: str) -> str | list[str]:
    raw = raw.strip()
    if raw.startswith('"') and raw.endswith('"'):
        return json.loads(raw)
    if raw.startswith("[") and raw.endswith("]"):
        return [t.strip() for t in raw[1:-1].split(",") if t.strip()]
    return raw


def split_entry(text: str) -> tuple[dict[str, str | list[str]], str]:
    """(frontmatter, body) of an entry as bench/generate.py writes it."""
    _, head, body = text.split("---\n", 2)
    meta: dict[str, str | list[str]] = {}
    for line in head.splitlines():
        key, _, raw = line.partition(":")
        meta[key.strip()] = _value(raw)
    return meta, body


def hugo_page(meta: dict[str, str | list[str]], body: str) -> str:
    tags = meta.get("tags", [])
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    front = {
        "title": meta["title"],
        "date": meta["date"],
        "domains": [meta["domain"]],
        "tags": tags,
        "kind": meta["kind"],
        "difficulty": int(str(meta["difficulty"])),
        "draft": meta.get("draft") == "true",
        "private": meta.get("private") == "true",
    }
    for key in ("confidence", "source", "follows", "attribution", "lesson", "next"):
        if key in meta:
            front[key] = meta[key]
    # JSON front matter: Hugo reads a leading JSON object as the page's front matter
    return json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + body


def write_hugo_site(journal: Path, project: Path) -> int:
    """Write (or rewrite) the Hugo project; returns the number of content pages."""
    shutil.rmtree(project, ignore_errors=True)
    content = project / "content" / "entries"
    content.mkdir(parents=True)
    layouts = project / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (project / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in [
        ("baseof.html", BASEOF),
        ("single.html", SINGLE),
        ("list.html", LIST),
        ("taxonomy.html", TAXONOMY),
    ]:
        (layouts / name).write_text(text, encoding="utf-8")
    (project / "content" / "_index.md").write_text('{"title": "Entries"}\n', encoding="utf-8")
    count = 0
    for path in sorted((journal / "entries").rglob("*.md")):
        meta, body = split_entry(path.read_text(encoding="utf-8"))
        (content / path.name).write_text(hugo_page(meta, body), encoding="utf-8")
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("journal", type=Path)
    parser.add_argument("project", type=Path)
    args = parser.parse_args()
    print(f"wrote {write_hugo_site(args.journal, args.project)} pages to {args.project}")


if __name__ == "__main__":
    main()
