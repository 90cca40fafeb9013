"""botocore's documentation strings (a small HTML subset) as markdown or plain text, for editors.

The service models document every shape and member in HTML: ``<p>``, ``<code>``,
``<a href>``, ``<ul><li>``, ``<b>``/``<i>``. An editor's hover (yaml-language-server's
``markdownDescription``) renders markdown; a completion's detail line shows a
``description`` as plain text. The standard library's HTML parser reads the tags; any
other tag is dropped and its text kept, entities are decoded, and whitespace runs
(the models wrap lines inside a paragraph) become one space.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser

#: markdown's inline markers for each tag (opening, closing); plain text drops them.
_INLINE = {"code": ("`", "`"), "b": ("**", "**"), "strong": ("**", "**"), "i": ("*", "*"), "em": ("*", "*")}
_BLOCKS = {"p", "div", "br", "ul", "ol", "li", "dl", "dt", "dd", "note", "important"}
#: Characters that would start markdown syntax in running text; ``_`` only at a word's edge
#: (inside a word, as in ``SPARK_DRIVER``, CommonMark never reads it as emphasis).
_SPECIAL = re.compile(r"([\\`*\[\]<])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


class _Converter(HTMLParser):
    def __init__(self, markdown: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.markdown = markdown
        self.blocks: list[tuple[str, str]] = []  # (kind, text): kind "li" for list items, else "p"
        self.parts: list[str] = []
        self.kind = "p"
        self.depth = 0
        self.links: list[str | None] = []
        self.code = 0

    def flush(self) -> bool:
        text = " ".join("".join(self.parts).split())
        if text:
            indent = "  " * max(self.depth - 1, 0)
            self.blocks.append((self.kind, f"{indent}- {text}" if self.kind == "li" else text))
        self.parts, self.kind = [], "p"
        return bool(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            was = self.kind
            # <li><p>text</p></li>, as the models write items: the paragraph is the item's text.
            keep_item = not self.flush() and was == "li" and tag == "p"
            self.depth += tag in ("ul", "ol")
            self.kind = "li" if tag == "li" or keep_item else "p"
        elif tag in _INLINE and self.markdown:
            self.parts.append(_INLINE[tag][0])
        if tag == "code":
            self.code += 1
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append(href)
            if href and self.markdown:
                self.parts.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.flush()
            self.depth -= tag in ("ul", "ol") and self.depth > 0
        elif tag in _INLINE and self.markdown:
            self.parts.append(_INLINE[tag][1])
        if tag == "code":
            self.code = max(self.code - 1, 0)
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href and self.markdown:
                self.parts.append(f"]({href.strip()})")

    def handle_data(self, data: str) -> None:
        if self.markdown and not self.code:
            data = _SPECIAL.sub(lambda m: "\\" + m.group(0), data)
        self.parts.append(data)

    def text(self) -> str:
        self.close()
        self.flush()
        out = ""
        for i, (kind, text) in enumerate(self.blocks):
            if i:
                out += "\n" if kind == "li" and self.blocks[i - 1][0] == "li" else "\n\n"
            out += text
        return out


@functools.lru_cache(maxsize=None)
def to_markdown(html: str) -> str:
    """A documentation string as markdown: paragraphs, ``- `` items, `` `code` ``, ``[text](href)``, ``**b**``, ``*i*``."""
    converter = _Converter(markdown=True)
    converter.feed(html)
    return converter.text()


@functools.lru_cache(maxsize=None)
def to_text(html: str) -> str:
    """A documentation string as plain text: the same paragraphs and ``- `` items, without markup or links."""
    converter = _Converter(markdown=False)
    converter.feed(html)
    return converter.text()
