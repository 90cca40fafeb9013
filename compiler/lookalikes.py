"""An unknown key that is a known one written with a look-alike or an invisible character.

``nаme`` with a Cyrillic ``а`` (pasted from a chat, typed on another keyboard layout) or
``entry​Point`` with a zero-width space reads as ``name`` or ``entryPoint`` on screen, so
"unknown key 'nаme'; did you mean 'name'?" leaves the user looking for a difference they
cannot see. The message names each odd character: its code point, its Unicode name, its
column in the line, and what it looks like (or that it is invisible).

A character looks like an ASCII one when Unicode's compatibility form is that character
(full-width ``ｎ``, mathematical ``𝐧``), when it is an accented ASCII letter, or when it is
one of the Cyrillic, Greek and Armenian letters drawn like a Latin one (``CONFUSABLE``, a
part of Unicode's confusables.txt). Invisible: format characters (zero-width spaces and
joiners, the byte order mark, the soft hyphen), controls and combining marks.
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import Sequence

#: Letters of other scripts drawn like an ASCII letter (from Unicode's confusables.txt).
CONFUSABLE = dict(zip(
    "аеорсухіјѕԁһԛԝӏɡАВЕКМНОРСТХІЈЅУԌԚԜαονριΑΒΕΖΗΙΚΜΝΟΡΤΥΧıօսոհ",
    "aeopcyxijsdhqwlgABEKMHOPCTXIJSYGQWaovpiABEZHIKMNOPTYXiounh",
))
INVISIBLE_CATEGORIES = ("Cf", "Cc", "Mn", "Me")


def looks_like(char: str) -> str | None:
    """The ASCII character ``char`` is drawn like; '' when it is invisible; None when neither."""
    if char.isascii():
        return None
    if unicodedata.category(char) in INVISIBLE_CATEGORIES:
        return ""
    if unicodedata.category(char) == "Zs":
        return " "
    if char in CONFUSABLE:
        return CONFUSABLE[char]
    for form in ("NFKC", "NFKD"):
        base = "".join(c for c in unicodedata.normalize(form, char) if unicodedata.category(c) != "Mn")
        if len(base) == 1 and base.isascii():
            return base
    return None


def skeleton(key: str) -> str:
    """``key`` with each look-alike replaced by its ASCII character and each invisible one dropped."""
    out = []
    for char in key:
        like = looks_like(char)
        out.append(char if like is None else like)
    return "".join(out)


def _character(char: str, column: int, like: str) -> str:
    name = unicodedata.name(char, "an unnamed character")
    what = "which is invisible" if like == "" else f"which looks like '{like}'"
    return f"U+{ord(char):04X} {name} at column {column}, {what}"


def unknown_key_message(key: str, column: int, known: Sequence[str]) -> str | None:
    """The E1001 message for ``key`` (its first character at ``column``) when it holds an invisible
    character, or look-alikes that make it read as a key of ``known``; None otherwise."""
    odd = [(i, char, looks_like(char)) for i, char in enumerate(key)]
    odd = [(i, char, like) for i, char, like in odd if like is not None]
    if not odd:
        return None
    plain = skeleton(key)
    if plain in known:
        hint = f"; did you mean '{plain}'?"
    elif any(like == "" for _, _, like in odd):
        close = difflib.get_close_matches(plain, list(known), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
    else:
        return None  # a key in another script (prénom) that reads as no member: the plain message says it
    parts = [_character(char, column + i, like) for i, char, like in odd]
    return f"key '{key}' contains {', and '.join(parts)}{hint}"
