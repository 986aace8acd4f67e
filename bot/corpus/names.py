"""Split a listing's glued "TitleAuthors · affiliations" line, and recognise person names.

The listing pastes the title and the author list together with no separator:
``Random Teachers are Good TeachersFelix Sarnthein, Gregor Bachmann et al. · eth-zurich``.

The rule: the boundary is a *glued* position (an uppercase letter directly after a non-space character:
``sF``, ``)D``, ``?D``, ``DA`` in ``3DAlexandros``) such that everything after it, up to ``" · "``, is a
comma-separated list of person names, optionally ending in ``et al.``. A person name is two or more
words, first and last capitalised (``Aurélien``, ``Terzić``, ``O'Neil``, ``Jean-Luc``), with initials
(``F.``) and lowercase particles (``van der``, ``von``, ``di``) allowed in between.

Why this is unambiguous in practice: a split *before* the true boundary leaves the glued word
``TeachersFelix`` inside the remainder, which is no name word (and usually a lowercase title word such
as "via" too); a split *after* it starts inside the first author's first word, which is only a name
word when that name itself has an inner capital (``McKenzie`` → ``Kenzie``). So we take the *earliest*
valid position, and accept inner capitals only after the usual surname prefixes (Mc, Mac, O', De, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TitleAuthors", "is_person_name", "split_title_authors"]

AFFILIATION_SEPARATOR = " · "
_ET_AL = (" et al.", " et al", " et. al.", " and others")
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "dei", "di", "da", "dos", "das", "do", "du",
     "la", "le", "ten", "ter", "zu", "bin", "binti", "ibn", "al", "el", "y", "e", "af", "av", "op"}
)  # fmt: skip
_SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"})
# Surname prefixes after which a second capital is normal: McKenzie, MacArthur, DeAndre, LeCun, VanDyke.
_CAMEL_PREFIXES = ("Mc", "Mac", "De", "Di", "Da", "Du", "Le", "La", "Van", "Von", "Fitz", "St")
_APOSTROPHES = "'’"


@dataclass(frozen=True)
class TitleAuthors:
    """The parts of one title line."""

    title: str
    authors: tuple[str, ...]
    authors_truncated: bool
    affiliations: tuple[str, ...]


def _is_lower_tail(text: str) -> bool:
    """Letters after a word's capital: lowercase, or an apostrophe followed by a capitalised part."""
    for index, ch in enumerate(text):
        if ch in _APOSTROPHES:
            return _is_capitalised(text[index + 1 :]) or text[index + 1 :].islower()
        if not (ch.isalpha() and ch.islower()):
            return False
    return True


def _is_capitalised(word: str) -> bool:
    """'Sarnthein', 'Rütte', "O'Neil", 'McKenzie': capital first, then lowercase (see module doc)."""
    if len(word) < 2 or not (word[0].isalpha() and word[0].isupper()):
        return False
    if _is_lower_tail(word[1:]):
        return True
    return any(word.startswith(prefix) and _is_capitalised(word[len(prefix) :]) for prefix in _CAMEL_PREFIXES)


def _is_initials(word: str) -> bool:
    """'F.', 'J.-P.', 'A.B.': capital letters each followed by a period."""
    parts = [part for part in word.replace("-", ".").split(".") if part]
    return word.endswith(".") and bool(parts) and all(len(p) == 1 and p.isupper() for p in parts)


def _is_given_or_family_word(word: str) -> bool:
    """A word that can start or end a name: capitalised (hyphen parts each capitalised) or initials."""
    if _is_initials(word):
        return True
    return all(_is_capitalised(part) for part in word.split("-"))


def is_person_name(text: str) -> bool:
    """True for 'Felix Sarnthein', 'Robert van der Klis', 'Benjamin F. Grewe'; False for title words."""
    words = text.split(" ")
    if len(words) < 2 or any(not word for word in words):
        return False
    if not (_is_given_or_family_word(words[0]) and not _is_initials(words[-1])):
        return False
    last = words[-1]
    if last in _SUFFIXES and len(words) >= 3:
        words, last = words[:-1], words[-2]
    if not _is_given_or_family_word(last):
        return False
    return all(_is_given_or_family_word(w) or w in _PARTICLES for w in words[1:-1])


def _parse_author_list(text: str) -> tuple[tuple[str, ...], bool] | None:
    """('A B', 'C D'), truncated — if `text` is exactly a list of names; None otherwise."""
    truncated = False
    for marker in _ET_AL:
        if text.endswith(marker):
            text, truncated = text[: -len(marker)], True
            break
    names = tuple(name.strip() for name in text.split(","))
    if not all(is_person_name(name) for name in names):
        return None
    return names, truncated


def _affiliations(text: str) -> tuple[str, ...]:
    """'deepmind, princeton' → ('deepmind', 'princeton')."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def split_title_authors(line: str) -> TitleAuthors | None:
    """Split a glued title/author line; None when no position leaves a valid author list."""
    line = " ".join(line.split())
    for index in range(1, len(line)):
        if not (line[index].isupper() and not line[index - 1].isspace()):
            continue
        title = line[:index].strip()
        authors_text, _, affiliation_text = line[index:].partition(AFFILIATION_SEPARATOR)
        parsed = _parse_author_list(authors_text.strip())
        if title and parsed is not None:
            authors, truncated = parsed
            return TitleAuthors(title, authors, truncated, _affiliations(affiliation_text))
    return None
