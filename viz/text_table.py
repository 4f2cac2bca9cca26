"""Sentences carried once: a page's repeated texts as templates and their arguments.

A country's overview lists the gaps of 44,000 actors. Each gap sentence is one of a dozen
messages with names filled in ("Department 0 delivers Child protection in Department 0,
which National government ... also holds, but no funding reaches it ..."): written out in
full they were 12 of a page's 29 MB. This module finds each kind of sentence's template
from the sentences themselves (the constant runs of words shared by every sentence of the
kind), and writes a sentence as its template's number and the numbers of its arguments in a
table of distinct arguments, which the page joins back when a reader opens an actor.

The encoding is lossless by construction: a sentence is encoded only when its template's
pattern matches it whole (every constant in place, the arguments being whatever lies
between them), and joining the template's constants and the arguments gives the sentence
back character for character; a sentence that matches no template is kept as it is.

Why not read the templates from the shapes' ``sh:message``: renderers take values, not
shapes (README, Architecture), and a message may be reworded after it is filled; what is on
the page is what is encoded.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from difflib import SequenceMatcher
from typing import Any

__all__ = ["TextTable", "join", "template_of"]

#: A slot of a template (one or more arguments' worth of text).
SLOT = None

#: Constants shorter than this between two slots are folded into one slot: a lone space or
#: comma shared by every sentence would otherwise cut names into single words.
MIN_CONSTANT = 2

_TOKENS = re.compile(r"\w+|\W", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _common(template: list[str | None], text: str) -> list[str | None]:
    """The tokens of ``template`` that ``text`` has in the same order; whatever lies
    between them, on either side, becomes a slot."""
    tokens = _tokens(text)
    matcher = SequenceMatcher(None, template, tokens, autojunk=False)
    found: list[str | None] = []
    at, at_text = 0, 0
    for start, start_text, size in matcher.get_matching_blocks():  # ends with (len, len, 0)
        if (start > at or start_text > at_text) and (not found or found[-1] is not SLOT):
            found.append(SLOT)
        found.extend(template[start:start + size])
        at, at_text = start + size, start_text + size
    return found


def template_of(template: list[str | None]) -> list[str]:
    """The constants of a token template, one more than its slots: ``constants[0] + arg1 +
    constants[1] + ...`` (an empty string where a slot opens or closes the sentence).
    Constants shorter than :data:`MIN_CONSTANT` between two slots are dropped (the two slots
    become one)."""
    constants: list[str] = [""]
    for token in template:
        if token is SLOT:
            constants.append("")
        else:
            constants[-1] += token
    if len(constants) < 3:
        return constants
    inner = [c for c in constants[1:-1] if len(c) >= MIN_CONSTANT]
    return [constants[0], *inner, constants[-1]]


def _pattern(constants: list[str]) -> re.Pattern[str]:
    return re.compile("(.*?)".join(re.escape(c) for c in constants), re.S)


def join(constants: list[str], arguments: list[str]) -> str:
    """The sentence of a template's constants and its arguments."""
    parts = [constants[0]]
    for argument, constant in zip(arguments, constants[1:], strict=True):
        parts.extend((argument, constant))
    return "".join(parts)


class Codes:
    """Numbers for the strings a page repeats (actor types, levels, competences, source
    files, a table's arguments): each is written once, and a number everywhere else."""

    def __init__(self, first: list[str] | None = None) -> None:
        self.codes: list[str] = []
        self._number: dict[str, int] = {}
        for code in first or []:
            self.number(code)

    def number(self, code: str) -> int:
        found = self._number.get(code)
        if found is None:
            found = self._number[code] = len(self.codes)
            self.codes.append(code)
        return found


class TextTable:
    """Sentences of several kinds, each kept once, as templates and arguments.

    :meth:`add` gives a sentence's number in :attr:`sentences`; each is either a list
    ``[template, argument, ...]`` (numbers into :attr:`templates` and :attr:`arguments`) or
    the sentence itself when no template fits. A template is learnt per kind from the first
    sentence of the kind, and narrowed (constants dropped) each time a sentence of the kind
    does not fit it, so it ends as the runs shared by the kind's sentences.
    """

    def __init__(self) -> None:
        self.templates: list[list[str]] = []
        self._arguments = Codes()
        self.sentences: list[list[int] | str] = []
        self._sentence: dict[str, int] = {}
        self._kind: dict[Hashable, tuple[list[str | None], re.Pattern[str], int] | None] = {}
        self._template: dict[tuple[str, ...], int] = {}

    def _fit(self, kind: Hashable, text: str) -> tuple[int, list[str]] | None:
        """(template number, arguments) of ``text`` under its kind's template, learning or
        narrowing the template as needed; None when it cannot fit (too little in common)."""
        known = self._kind.get(kind)
        if known is not None:
            match = known[1].fullmatch(text) if known[2] >= 0 else None
            if match:
                return known[2], list(match.groups())
            tokens = _common(known[0], text)
        else:
            tokens = [*_tokens(text)]
        constants = template_of(tokens)
        if sum(map(len, constants)) < len(text) / 4 and known is not None:
            return None  # the kind's sentences share too little to be worth a template
        if len(constants) == 1:  # the kind's first sentence: no slot yet, kept as it is
            self._kind[kind] = (tokens, _pattern(constants), -1)
            return None
        key = tuple(constants)
        number = self._template.get(key)
        if number is None:
            number = self._template[key] = len(self.templates)
            self.templates.append(constants)
        pattern = _pattern(constants)
        self._kind[kind] = (tokens, pattern, number)
        match = pattern.fullmatch(text)
        return (number, list(match.groups())) if match else None

    def add(self, text: str, kind: Hashable = "") -> int:
        """The number of ``text`` in :attr:`sentences` (added once)."""
        known = self._sentence.get(text)
        if known is not None:
            return known
        fitted = self._fit(kind, text)
        if fitted is None or not fitted[1]:
            item: list[int] | str = text
        else:
            number, arguments = fitted
            item = [number, *(self._arguments.number(a) for a in arguments)]
        self._sentence[text] = len(self.sentences)
        self.sentences.append(item)
        return self._sentence[text]

    @property
    def arguments(self) -> list[str]:
        """The distinct arguments, in the order the sentences first used them."""
        return self._arguments.codes

    def text(self, number: int) -> str:
        """Sentence ``number`` written out (what the page's script does)."""
        item = self.sentences[number]
        if isinstance(item, str):
            return item
        return join(self.templates[item[0]], [self.arguments[a] for a in item[1:]])

    def payload(self) -> dict[str, Any]:
        """The table as the page carries it."""
        return {"templates": self.templates, "arguments": self.arguments,
                "sentences": self.sentences}

    def extend(self, texts: Iterable[tuple[str, Hashable]]) -> list[int]:
        """:meth:`add` of each (text, kind)."""
        return [self.add(text, kind) for text, kind in texts]
