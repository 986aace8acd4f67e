"""Plain-text helpers for abstracts: a readable form of LaTeX-ish markup, and the links inside.

Abstracts are stored raw (exactly as the source gave them); these functions derive what people read
(Discord embeds, the CLI) and what the search layer indexes. URLs are never rewritten: markup rules such
as ``--`` → ``–`` or ``~`` would corrupt them, so URLs are cut out first and put back verbatim.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["CODE_HOSTS", "code_links", "find_links", "readable_abstract", "readable_text"]

# A URL runs until whitespace; closing punctuation at its end is trimmed by _trim_url.
_URL = re.compile(r"https?://[^\s<>\"'{}|\\^`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""

# Math-mode commands with a readable one-character form (unknown commands fall back to their name).
_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "sim": "~", "approx": "≈",
    "simeq": "≃", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "ll": "≪",
    "gg": "≫", "infty": "∞", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪",
    "cap": "∩", "forall": "∀", "exists": "∃", "nabla": "∇", "partial": "∂", "propto": "∝",
    "rightarrow": "→", "to": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "leftrightarrow": "↔", "mapsto": "↦", "langle": "⟨", "rangle": "⟩", "ldots": "…", "dots": "…",
    "cdots": "⋯", "sqrt": "√", "sum": "Σ", "prod": "Π", "int": "∫", "log": "log", "exp": "exp",
    "max": "max", "min": "min", "top": "⊤", "star": "⋆", "circ": "∘", "ast": "∗",
    # text-mode letters (BibTeX exports are full of them)
    "ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ", "textendash": "–", "textemdash": "—", "LaTeX": "LaTeX",
    "TeX": "TeX", "etal": "et al.",
}  # fmt: skip
# Formatting commands: keep the argument; bare (say, an unclosed brace) they vanish rather than
# leaving their name in the text.
_FORMATTING = frozenset(
    {"textit", "textbf", "textsl", "textsc", "texttt", "textrm", "textsf", "textup", "textnormal",
     "emph", "text", "mathrm", "mathbf", "mathit", "mathcal", "mathbb", "mathsf", "mathtt",
     "boldsymbol", "bm", "underline", "url", "mbox", "hbox", "footnote"}
)  # fmt: skip
# Accents as combining marks: \"u, \'{e}, \c{c}, \v s ... (\i and \j are the dotless i and j).
_ACCENT_MARKS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "b": "\u0331", "d": "\u0323",
}  # fmt: skip
_SYMBOL_ACCENT = re.compile(r"\\([\"'`^~=.])\s*(?:\{\s*(\\[ij]|\w)\s*\}|(\\[ij]|\w))")
_LETTER_ACCENT = re.compile(r"\\([uvHckrbd])(?:\s*\{\s*(\\[ij]|\w)\s*\}|\s+(\w))")
# Spacing commands, in or out of math: \, \; \: \! and a backslash-space.
_SPACING = re.compile(r"\\[,;:! ]")
# Escaped characters that stand for themselves.
_ESCAPED = re.compile(r"\\([%&#_$])")
# The innermost \command{argument}: applied repeatedly so nested markup unwraps from the inside out.
_COMMAND_WITH_ARG = re.compile(r"\\([A-Za-z]+)\s*\{([^{}]*)\}")
_BARE_COMMAND = re.compile(r"\\([A-Za-z]+)")
_MATH = re.compile(r"\$\$?([^$]+?)\$\$?")
_DROPPED_ARG_COMMANDS = frozenset({"label", "cite", "citep", "citet", "ref", "eqref"})
_PLACEHOLDER = "\x00{}\x00"


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and an unbalanced closing bracket from the end of a URL."""
    while url and (url[-1] in _TRAILING or _unbalanced_close(url)):
        url = url[:-1]
    return url


def _unbalanced_close(url: str) -> bool:
    """True if the URL ends in a `)` or `]` that has no opening partner inside it."""
    pairs = {")": "(", "]": "["}
    last = url[-1]
    return last in pairs and url.count(pairs[last]) < url.count(last)


def find_links(text: str) -> tuple[str, ...]:
    """The distinct http(s) URLs in `text`, in order, without trailing punctuation."""
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        if len(url) > len("https://"):
            seen.setdefault(url, None)
    return tuple(seen)


CODE_HOSTS = (
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "huggingface.co",
    "sourceforge.net",
)


def code_links(*texts: str) -> tuple[str, ...]:
    """URLs on code hosts (GitHub, GitLab, …) in the given texts: an arXiv comment often says
    "Code: https://github.com/…", and abstracts end with "Code is available at …"."""
    found: dict[str, None] = {}
    for text in texts:
        for url in find_links(text):
            host = url.split("://", 1)[-1].split("/", 1)[0].lower().removeprefix("www.")
            if host in CODE_HOSTS:
                found.setdefault(url, None)
    return tuple(found)


def _unwrap_commands(text: str) -> str:
    """Replace `\\cmd{arg}` by `arg` (innermost first), footnotes in parentheses, refs dropped."""

    def replace(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name in _DROPPED_ARG_COMMANDS:
            return ""
        if name == "footnote":
            return f" ({arg})"
        if name == "sqrt":
            return f"√({arg})"
        return arg

    previous = None
    while previous != text:
        previous, text = text, _COMMAND_WITH_ARG.sub(replace, text)
    return text


def _bare_command(match: re.Match[str]) -> str:
    """A command without argument: its symbol if known, else its name (`\\mup` → `mup`)."""
    name = match.group(1)
    if name in _FORMATTING:
        return " " if name == "footnote" else ""
    return _SYMBOLS.get(name, name)


def _accent(match: re.Match[str]) -> str:
    """`\\"u` → ü: the letter with the accent's combining mark, composed."""
    letter = match.group(2) or match.group(3)
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", base + _ACCENT_MARKS[match.group(1)])


def _apply_accents(text: str) -> str:
    """Replace LaTeX accent commands by accented letters."""
    return _LETTER_ACCENT.sub(_accent, _SYMBOL_ACCENT.sub(_accent, text))


def _render_math(match: re.Match[str]) -> str:
    """The inside of `$...$` with commands turned into symbols and grouping braces dropped."""
    inner = _unwrap_commands(match.group(1))
    inner = _BARE_COMMAND.sub(_bare_command, inner)
    inner = inner.replace("{", "").replace("}", "")
    inner = re.sub(r"\s+", " ", inner).strip()
    return re.sub(r"([(⟨\[])\s+|\s+([)⟩\]])", r"\1\2", inner)


def _render_prose(text: str, *, tie_is_space: bool) -> str:
    """Readable form of a stretch of text that contains no URL."""
    text = _SPACING.sub(" ", text)
    if tie_is_space:
        text = re.sub(r"(?<!\\)~", " ", text)
    escaped: list[str] = []

    def protect(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return _PLACEHOLDER.format(len(escaped) - 1)

    text = _ESCAPED.sub(protect, text)
    text = _MATH.sub(_render_math, text)
    text = _apply_accents(text)
    text = _unwrap_commands(text)
    text = _BARE_COMMAND.sub(_bare_command, text)
    text = text.replace("{", "").replace("}", "")
    # TeX quotes become plain ones: ``x'' and `x' → "x" and 'x'.
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r"`([^`'\n]*)'", r"'\1'", text).replace("`", "'")
    text = text.replace("---", "—").replace("--", "–")
    return re.sub(r"\x00(\d+)\x00", lambda m: escaped[int(m.group(1))], text)


def _readable(text: str, *, tie_is_space: bool) -> str:
    """Render the prose between URLs; the URLs themselves are kept byte for byte."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        parts.append(_render_prose(text[position : match.start()], tie_is_space=tie_is_space))
        parts.append(url)
        position = match.start() + len(url)
    parts.append(_render_prose(text[position:], tie_is_space=tie_is_space))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


# Every rendering step above needs one of these in the text (a command, math, braces, TeX quotes or
# dashes, a URL, a placeholder); most abstracts have none, and indexing a million of them should not run
# a dozen regexes over each for nothing.
_MARKUP_SIGNS = ("\\", "$", "{", "}", "`", "''", "--", "://", "\x00")
_WHITESPACE = re.compile(r"\s+")


def readable_abstract(text: str) -> str:
    """Abstract text for people: LaTeX markup removed (`\\textit{x}` → x, `$k$` → k), spaces collapsed.

    URLs are kept byte for byte; an unmatched `$` or unknown command degrades to plain text rather
    than raising, because abstracts come from many hands. `~` is kept: in abstracts it usually means
    "about" (`~5%`).
    """
    if not any(sign in text for sign in _MARKUP_SIGNS):  # what rendering does to text with nothing to render
        if text.isprintable() and "  " not in text:  # its only spacing is single ASCII spaces
            return text.strip()
        return _WHITESPACE.sub(" ", text).strip()
    return _readable(text, tie_is_space=False)


def readable_text(text: str) -> str:
    """Like `readable_abstract`, for short TeX-ish fields (BibTeX titles, names): `~` is a space there."""
    return _readable(text, tie_is_space=True)
