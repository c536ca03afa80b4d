"""Small hand-made ownership filings for tests of the warehouse model (one line = one dict)."""

from dataclasses import dataclass, field
from datetime import datetime

from mirror.envelope import submission


@dataclass
class Line:
    """One Table I line: a transaction when `code` is given, a holding otherwise."""

    following: str | None
    direct: str = "D"
    nature: str | None = None
    title: str = "Common Stock"
    date: str | None = None
    code: str | None = None
    shares: str = "0"
    price: str | None = "10.00"
    acquired: str = "A"
    footnote_ids: tuple[str, ...] = ()


@dataclass
class Filing:
    accession: str
    form: str
    accepted: datetime
    period: str
    owners: list[int]
    lines: list[Line] = field(default_factory=list)
    original_filed: str | None = None
    issuer: int = 1000001
    symbol: str = "HBC"
    footnotes: dict[str, str] = field(default_factory=dict)
    aff10b5: str | None = None
    director: bool = True
    officer_title: str | None = None
    ten_percent_owner: bool = False

    def relationship(self) -> str:
        officer = "<isOfficer>1</isOfficer>" if self.officer_title else ""
        owner = "<isTenPercentOwner>1</isTenPercentOwner>" if self.ten_percent_owner else ""
        title = f"<officerTitle>{self.officer_title}</officerTitle>" if self.officer_title else ""
        director = "<isDirector>1</isDirector>" if self.director else ""
        return f"<reportingOwnerRelationship>{director}{officer}{owner}{title}</reportingOwnerRelationship>"

    def xml(self) -> bytes:
        owners = "".join(
            f"<reportingOwner><reportingOwnerId><rptOwnerCik>{cik:010d}</rptOwnerCik>"
            f"<rptOwnerName>Owner {cik}</rptOwnerName></reportingOwnerId>{self.relationship()}</reportingOwner>"
            for cik in self.owners
        )
        rows = "".join(_row(line) for line in self.lines)
        original = (
            f"<dateOfOriginalSubmission>{self.original_filed}</dateOfOriginalSubmission>" if self.original_filed else ""
        )
        aff = f"<aff10b5One>{self.aff10b5}</aff10b5One>" if self.aff10b5 is not None else ""
        notes = "".join(f'<footnote id="{fid}">{text}</footnote>' for fid, text in self.footnotes.items())
        notes = f"<footnotes>{notes}</footnotes>" if notes else ""
        return (
            f"<ownershipDocument><schemaVersion>X0508</schemaVersion><documentType>{self.form}</documentType>"
            f"<periodOfReport>{self.period}</periodOfReport>{original}{aff}"
            f"<issuer><issuerCik>{self.issuer:010d}</issuerCik><issuerName>Hand Built Corp</issuerName>"
            f"<issuerTradingSymbol>{self.symbol}</issuerTradingSymbol></issuer>{owners}"
            f"<nonDerivativeTable>{rows}</nonDerivativeTable>{notes}</ownershipDocument>"
        ).encode()

    def raw(self) -> bytes:
        return submission(self.xml(), self.accession, self.form, self.accepted)


def _nature(line: Line) -> str:
    nature = f"<natureOfOwnership><value>{line.nature}</value></natureOfOwnership>" if line.nature else ""
    form = f"<directOrIndirectOwnership><value>{line.direct}</value></directOrIndirectOwnership>"
    return f"<ownershipNature>{form}{nature}</ownershipNature>"


def _row(line: Line) -> str:
    following = (
        f"<postTransactionAmounts><sharesOwnedFollowingTransaction><value>{line.following}</value>"
        "</sharesOwnedFollowingTransaction></postTransactionAmounts>"
        if line.following is not None
        else '<postTransactionAmounts><sharesOwnedFollowingTransaction><footnoteId id="F1"/>'
        "</sharesOwnedFollowingTransaction></postTransactionAmounts>"
    )
    title = f"<securityTitle><value>{line.title}</value></securityTitle>"
    if line.code is None:
        return f"<nonDerivativeHolding>{title}{following}{_nature(line)}</nonDerivativeHolding>"
    price = f"<value>{line.price}</value>" if line.price is not None else ""
    return (
        f"<nonDerivativeTransaction>{title}<transactionDate><value>{line.date}</value></transactionDate>"
        f"<transactionCoding><transactionFormType>4</transactionFormType><transactionCode>{line.code}</transactionCode>"
        "<equitySwapInvolved>0</equitySwapInvolved>"
        + "".join(f'<footnoteId id="{fid}"/>' for fid in line.footnote_ids)
        + "</transactionCoding>"
        f"<transactionAmounts><transactionShares><value>{line.shares}</value></transactionShares>"
        f"<transactionPricePerShare>{price}</transactionPricePerShare>"
        f"<transactionAcquiredDisposedCode><value>{line.acquired}</value></transactionAcquiredDisposedCode>"
        f"</transactionAmounts>{following}{_nature(line)}</nonDerivativeTransaction>"
    )
