"""Petition text: Markdown written by organizers, rendered without raw HTML."""

from __future__ import annotations

from collections.abc import Sequence

from cachetools import LRUCache
from flask import has_app_context
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from petitions.memo import Memo

# "js-default" escapes raw HTML and refuses javascript:, vbscript: and data: links, so an
# organizer's account that is taken over cannot plant a script on a petition page. Linkify
# (linkify-it-py) turns bare addresses into links; they pass the same link validation.
_markdown = MarkdownIt("js-default", {"typographer": True, "linkify": True}).enable(
    ["replacements", "smartquotes", "linkify"]
)

#: Links in a petition lead to other sites: they pass on no ranking credit (an account taken
#: over cannot sell our pages' reputation), no window handle and no referrer.
_LINK_REL = "nofollow noopener noreferrer"


def _link_open(
    renderer: RendererHTML,
    tokens: Sequence[Token],
    index: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    tokens[index].attrSet("rel", _LINK_REL)
    return renderer.renderToken(tokens, index, options, env)


_markdown.add_render_rule("link_open", _link_open)


#: Rendered texts, by the text itself: an edit is another key, so a kept rendering is never stale.
_rendered: Memo[str, Markup] = Memo("petitions.cases.markdown", lambda config: LRUCache(maxsize=64))


def render_markdown(text: str) -> Markup:
    """Render Markdown to safe HTML (each text once per process while it is often shown)."""
    found = _rendered.get(text) if has_app_context() else None
    if found is None:
        found = Markup(_markdown.render(text))  # noqa: S704 - markdown-it escapes raw HTML itself
        if has_app_context():
            _rendered.set(text, found)
    return found
