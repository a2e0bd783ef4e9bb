"""The petition text, written in Markdown, as the cover letter's flowables.

markdown-it-py parses it (CommonMark, with typographic quotes and dashes); each block becomes a
platypus flowable and each inline run paragraph markup, every piece of text passing through
:func:`~petitions.bundles.pdf.lines.markup` so it prints in the bundle's fonts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Indenter,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
)

from petitions.bundles.pdf.fonts import FontSet
from petitions.bundles.pdf.geometry import RULE
from petitions.bundles.pdf.lines import markup
from petitions.bundles.pdf.styles import Styles

_markdown = MarkdownIt("js-default", {"typographer": True}).enable(["replacements", "smartquotes"])

#: Inline tokens that become a fixed piece of paragraph markup.
_INLINE_TAGS = {
    "softbreak": " ",
    "hardbreak": "<br/>",
    "strong_open": "<b>",
    "strong_close": "</b>",
    "em_open": "<i>",
    "em_close": "</i>",
    "s_open": "<strike>",
    "s_close": "</strike>",
}

_INDENT = 18


def markdown_flowables(fonts: FontSet, styles: Styles, text: str) -> list[Flowable]:
    """The petition text as flowables: paragraphs, headings, lists, quotes, rules, code."""
    tokens = _markdown.parse(text)
    return _Blocks(fonts, styles, tokens).flowables(0, len(tokens))


def inline_markup(fonts: FontSet, token: Token) -> str:
    """A Markdown inline token's children as paragraph markup (bold, italic, links, breaks)."""
    parts: list[str] = []
    link: str | None = None
    link_text = ""
    for child in token.children or []:
        kind = child.type
        if kind in _INLINE_TAGS:
            parts.append(_INLINE_TAGS[kind])
        elif kind in ("text", "code_inline", "image"):
            parts.append(markup(fonts, child.content))
            if kind != "image":
                link_text += child.content
        elif kind == "link_open":
            href = child.attrGet("href")
            link = str(href) if href else None
            link_text = ""
        elif kind == "link_close":
            parts.append(_printed_address(fonts, link, link_text))
            link = None
    return "".join(parts)


def _printed_address(fonts: FontSet, link: str | None, link_text: str) -> str:
    """On paper a link is its address: printed after the text unless they are the same."""
    if link and not link.startswith("mailto:") and link != link_text.strip():
        return " (" + markup(fonts, link) + ")"
    return ""


def _closing(tokens: list[Token], start: int) -> int:
    """Index of the token that closes the block opened at ``start``."""
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


class _Blocks:
    """Block tokens to flowables: one method per kind of block, each returning where it ends."""

    def __init__(self, fonts: FontSet, styles: Styles, tokens: list[Token]) -> None:
        self.fonts = fonts
        self.styles = styles
        self.tokens = tokens
        self.handlers: dict[str, Callable[[int, list[Flowable]], int]] = {
            "paragraph_open": self._paragraph,
            "heading_open": self._paragraph,
            "bullet_list_open": self._list,
            "ordered_list_open": self._list,
            "blockquote_open": self._blockquote,
            "hr": self._rule,
            "fence": self._code,
            "code_block": self._code,
            "inline": self._inline,
        }

    def flowables(self, start: int, stop: int) -> list[Flowable]:
        """The flowables of the tokens from ``start`` up to ``stop``."""
        out: list[Flowable] = []
        index = start
        while index < stop:
            handler = self.handlers.get(self.tokens[index].type)
            # closing tokens and anything unknown print nothing
            index = handler(index, out) if handler is not None else index + 1
        return out

    def _paragraph(self, index: int, out: list[Flowable]) -> int:
        token = self.tokens[index]
        style = self.styles.body if token.type == "paragraph_open" else self.styles.heading
        out.append(Paragraph(inline_markup(self.fonts, self.tokens[index + 1]), style))
        return _closing(self.tokens, index) + 1

    def _list(self, index: int, out: list[Flowable]) -> int:
        token = self.tokens[index]
        end = _closing(self.tokens, index)
        items: list[Any] = []  # ListItem is no Flowable in the type stubs
        cursor = index + 1
        while cursor < end:
            if self.tokens[cursor].type == "list_item_open":
                item_end = _closing(self.tokens, cursor)
                content = self.flowables(cursor + 1, item_end)
                items.append(ListItem(content or [Spacer(1, 0)]))
                cursor = item_end + 1
            else:
                cursor += 1
        if token.type == "ordered_list_open":
            first = int(str(token.attrGet("start") or 1))
            bullets: dict[str, Any] = {"bulletType": "1", "start": first, "bulletFormat": "%s."}
        else:
            bullets = {"bulletType": "bullet", "start": "•"}
        out.append(
            ListFlowable(
                items,
                **bullets,
                bulletFontName=self.fonts.family,
                bulletFontSize=self.styles.body.fontSize,
                leftIndent=_INDENT,
            )
        )
        return end + 1

    def _blockquote(self, index: int, out: list[Flowable]) -> int:
        end = _closing(self.tokens, index)
        content = self.flowables(index + 1, end)
        out.extend([Indenter(left=_INDENT), *content, Indenter(left=-_INDENT)])
        return end + 1

    def _rule(self, index: int, out: list[Flowable]) -> int:
        out.append(HRFlowable(width="100%", thickness=0.5, color=RULE, spaceAfter=6))
        return index + 1

    def _code(self, index: int, out: list[Flowable]) -> int:
        content = self.tokens[index].content.rstrip("\n").split("\n")
        lines = [markup(self.fonts, line) for line in content]
        out.append(Paragraph("<br/>".join(lines), self.styles.small))
        return index + 1

    def _inline(self, index: int, out: list[Flowable]) -> int:
        out.append(Paragraph(inline_markup(self.fonts, self.tokens[index]), self.styles.body))
        return index + 1
