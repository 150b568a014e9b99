"""Load: files -> entries."""

# Part of the parse key: change it whenever the Markdown rendering (load/markdown.py) changes.
MARKDOWN_SETTINGS = "commonmark+table+strikethrough+footnote+tasklists/1"
