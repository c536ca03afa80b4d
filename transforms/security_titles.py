"""Security titles as insiders type them, reduced to what names the security.

One issuer's filings name the same security many ways: "Class A Common Stock, $0.0001 par value" in 2021 and
"Class A Common Stock" from 2022, "Class A  Common Stock" / "Class A Common Shares", "Restricted Stock Unit" /
"Restricted Stock Units", "Non-Qualifed" / "Non-Qualified Stock Option (right to buy)", a truncated "Class A Common
Stoc". `title_key` removes what never distinguishes two securities (par-value clauses, amounts, case, spacing,
punctuation, plurals, common misspellings); `resolve_aliases` then joins, within one issuer and table, a key that is
a truncation or an unqualified short form of exactly one longer key. A line whose title is a statement ("No
securities are beneficially owned") names no security at all (`is_statement`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_NO_PAR = re.compile(r"[,;]?\s*\(?\s*(?:with(?:out)?\s+)?no\s+par(?:\s+value)?\s*\)?", re.IGNORECASE)
_PAR_VALUE = re.compile(
    r"[,;]?\s*\(?\s*(?:\$\s*[\d.,]+\s*)?par\s+value(?:\s+of)?(?:\s*\$\s*[\d.,]+)?(?:\s+per\s+share)?\s*\)?",
    re.IGNORECASE,
)
_AMOUNT = re.compile(r"\$\s*[\d.,]+")
# A one-word abbreviation in parentheses repeats the words before it: "Restricted Stock Units (RSUs)".
_ABBREVIATION = re.compile(r"\(\s*[A-Za-z]{2,6}s?\s*\)")
_PUNCTUATION = re.compile(r"[^a-z0-9]+")
# Misspellings seen in real titles, word for word.
_SPELLING = {
    "qualifed": "qualified",
    "nonqualified": "non qualified",
    "nonqualifed": "non qualified",
    "qualifiied": "qualified",
    "optoin": "option",
    "stcok": "stock",
    "comon": "common",
    "commom": "common",
    "restriced": "restricted",
    "ordiary": "ordinary",
    "warrrant": "warrant",
}
# Plurals that name the same security as their singular.
_SINGULAR = {
    "shares": "share",
    "units": "unit",
    "options": "option",
    "warrants": "warrant",
    "rights": "right",
    "stocks": "stock",
    "rsus": "rsu",
    "psus": "psu",
    "awards": "award",
    "notes": "note",
    "interests": "interest",
}
# "Common Shares" and "Common Stock" are the same security; so are "Ordinary Stock" and "Ordinary Shares".
_SHARE_WORDS = re.compile(r"\b(common|ordinary) (share|stock)\b")
# A title that states nothing is held: "No securities are beneficially owned", "None", "N/A".
_STATEMENT = re.compile(r"^(?:no|none|nil|n a|not applicable)\b")
# Words that make a title an option on their own ("Non-Qualified", "ISO"), for the short-form rule.
_OPTION_WORDS = frozenset({"qualified", "incentive", "iso", "nso", "nqso", "nqo", "isos"})
# Words whose appearance in the longer title makes it a different security, not a spelled-out short one.
_DISTINCT_WORDS = frozenset(
    {
        "unit",
        "rsu",
        "psu",
        "warrant",
        "preferred",
        "note",
        "debenture",
        "convertible",
        "phantom",
        "restricted",
        "performance",
        "deferred",
        "right",
        "option",
        "appreciation",
        "sar",
        "interest",
        "depositary",
        "ads",
        "adr",
    }
)


@lru_cache(maxsize=1 << 16)  # titles repeat: a night's lines name a few hundred distinct ones
def title_key(title: str | None) -> str:
    """The title without par-value clauses, amounts, case, punctuation, spacing, plurals or known misspellings."""
    text = _PAR_VALUE.sub(" ", _NO_PAR.sub(" ", title or ""))
    text = _ABBREVIATION.sub(" ", _AMOUNT.sub(" ", text)).lower()
    words = [_SINGULAR.get(word, word) for word in _PUNCTUATION.sub(" ", text).split()]
    words = " ".join(_SPELLING.get(word, word) for word in words).split()
    key = _SHARE_WORDS.sub(lambda match: f"{match[1]} stock", " ".join(words))
    # A bare "Common" (or "Class A Common") is the common stock.
    return re.sub(r"\b(common|ordinary)$", r"\1 stock", key)


@lru_cache(maxsize=1 << 16)
def is_statement(title: str | None) -> bool:
    """True for a title that states no security is held ("No securities are beneficially owned", "None")."""
    key = title_key(title)
    return key == "" or _STATEMENT.match(key) is not None


@dataclass(frozen=True)
class Alias:
    """One title joined to another's key, and why."""

    title: str
    key: str
    alias_of: str
    rule: str  # 'normalized' (same key once normalized), 'truncated' or 'short_form'


def _extends(short: str, long: str) -> str | None:
    """How `long` extends `short`: 'truncated' (short stops inside a word of long), 'short_form' (long adds words
    that do not make it another security), or None."""
    if not long.startswith(short) or long == short:
        return None
    short_words, long_words = short.split(), long.split()
    last = len(short_words) - 1
    if short_words[:last] != long_words[:last]:
        return None
    if short_words[last] != long_words[last]:
        return (
            "truncated"
            if len(long_words) == len(short_words)
            and long_words[last].startswith(short_words[last])
            and len(short_words[last]) >= 3
            else None
        )
    added = set(long_words[len(short_words) :])
    implied = set(short_words) | ({"option", "right"} if _OPTION_WORDS & set(short_words) else set())
    if added & _DISTINCT_WORDS - implied:
        return None
    return "short_form"


def resolve_aliases(titles: Iterable[str]) -> dict[str, Alias]:
    """Each title of one issuer's table (Table I or II) mapped to the key of the security it names.

    A key that is a truncation or a short form of exactly one other key of the same titles takes that key; with
    two or more candidates it stays itself (ambiguous: "Class A" could be stock or warrants). A one-word key is
    never extended, so a bare "Class" or "Series" cannot swallow a security.
    """
    keys = {title: title_key(title) for title in titles}
    distinct = sorted(set(keys.values()))
    target: dict[str, tuple[str, str]] = {}
    for short in distinct:
        if len(short.split()) < 2:
            continue
        extended = [(long, rule) for long in distinct if (rule := _extends(short, long))]
        if len(extended) == 1:
            target[short] = extended[0]
    resolved: dict[str, Alias] = {}
    for title, key in keys.items():
        final, rule = key, "normalized"
        seen = {key}
        while final in target:
            final, rule = target[final]
            if final in seen:
                break
            seen.add(final)
        resolved[title] = Alias(title, key, final, rule)
    return resolved
