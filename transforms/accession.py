"""EDGAR accession numbers: the one identity of a filing, validated before it names a URL or a file."""

import re
from dataclasses import dataclass

_DASHED = re.compile(r"^(\d{10})-(\d{2})-(\d{6})$")
_BARE = re.compile(r"^(\d{10})(\d{2})(\d{6})$")


class InvalidAccessionError(ValueError):
    """Raised for anything that is not an accession number, so it never reaches a path or a URL."""


@dataclass(frozen=True, order=True)
class Accession:
    """An accession number `NNNNNNNNNN-YY-NNNNNN`.

    The first ten digits are the submitting agent (often a filing agent), never the issuer or the owner.
    """

    filer_id: str
    year: str
    sequence: str

    @classmethod
    def parse(cls, text: str) -> "Accession":
        """Accept the dashed or the bare 18-digit form; reject everything else."""
        candidate = text.strip() if isinstance(text, str) else ""
        match = _DASHED.match(candidate) or _BARE.match(candidate)
        if match is None:
            raise InvalidAccessionError(f"not an accession number: {text!r} (expected NNNNNNNNNN-YY-NNNNNN, 18 digits)")
        return cls(*match.groups())

    def __str__(self) -> str:
        return f"{self.filer_id}-{self.year}-{self.sequence}"

    @property
    def bare(self) -> str:
        """The 18 digits without dashes, as EDGAR folder names use them."""
        return f"{self.filer_id}{self.year}{self.sequence}"


def canonical_accession(text: str) -> str:
    """`Accession.parse(text)` as its dashed text, without building the object: this runs once per parsed filing."""
    candidate = text.strip() if isinstance(text, str) else ""
    if _DASHED.match(candidate):
        return candidate
    return str(Accession.parse(text))


def is_accession(text: str) -> bool:
    """True when `text` is a dashed or bare accession number."""
    try:
        Accession.parse(text)
    except InvalidAccessionError:
        return False
    return True
