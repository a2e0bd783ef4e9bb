"""Petition text: Markdown written by organizers, rendered without raw HTML."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

# "js-default" escapes raw HTML and refuses javascript:, vbscript: and data: links, so an
# organizer's account that is taken over cannot plant a script on a petition page.
_markdown = MarkdownIt("js-default", {"typographer": True}).enable(["replacements", "smartquotes"])


def render_markdown(text: str) -> Markup:
    """Render Markdown to safe HTML."""
    return Markup(_markdown.render(text))  # noqa: S704 - markdown-it escapes raw HTML itself
