"""Regex building blocks shared by the extractors."""

from __future__ import annotations

from collections.abc import Iterable

import regex


def word_trie(words: Iterable[str], *, reverse: bool = False) -> str:
    """An alternation of ``words`` (a space in a word matches any whitespace run) factored into
    a prefix tree: at each position the engine tries one branch per character instead of every
    word in turn. It matches what the longest-first alternation matches whenever two words that
    can match at one position are one the other's prefix (the tree tries the longer first: a
    word's end is its node's last branch). ``reverse=True`` factors common endings instead, for
    patterns compiled with ``regex.REVERSE``. No words: a pattern that never matches."""
    root: dict[str, dict] = {}
    for w in set(words):
        node = root
        for ch in (reversed(w) if reverse else w):
            node = node.setdefault(ch, {})
        node[""] = {}
    if not root:
        return "(?!)"

    def emit(node: dict[str, dict]) -> str:
        parts = []
        for ch, child in sorted(node.items()):
            if ch:
                atom = r"\s+" if ch == " " else regex.escape(ch)
                parts.append(emit(child) + atom if reverse else atom + emit(child))
        if "" in node:
            parts.append("")
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    return emit(root)
