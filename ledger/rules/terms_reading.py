"""Reading a credit's free-text terms for obvious phrases about a use, to SUGGEST what they say.

Only a suggestion: nothing here decides a verdict. The user accepts a suggestion (the add/edit
dialog, `credit-ledger terms`), and only what is recorded in `Credit.terms_by_use` counts. The
evaluation uses the sentence found here to quote the terms in a reason, and only when it agrees
with what the user recorded.

The phrases are the plain ones fine print uses ("not valid for the purchase of gift cards",
"non-transferable", "no cash value"). A sentence that reads both ways, or two sentences that
disagree, give no suggestion for that use: an unclear text is for the user to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.vocab import TermsSay, Use

# Past this many characters a quote is cut: a reason is one sentence, not the whole fine print.
QUOTE_LIMIT = 160
# Terms longer than the ledger keeps (validation.MAX_TEXT) are not read further.
_READ_LIMIT = 10_000

_NEGATION = r"(?:not|cannot|can't|can ?not|may not|must not|will not|won't|never)"
_VERB = r"(?:be\s+)?(?:valid|redeemable|redeemed|used|usable|applied|applicable|eligible|accepted|good)"
_TOWARDS = r"(?:for|on|to|towards?|against|to buy|to purchase|in)"
_BUYING = r"(?:the\s+)?(?:purchase\s+of\s+|buying\s+|purchases?\s+of\s+)?(?:any\s+|other\s+|more\s+)?"
# Which gift cards: Amazon's own, another brand's, or (no brand named) both.
_GIFT_CARDS = (
    r"(?:(?P<amazon>amazon(?:\.com)?(?:'s)?\s+)|(?P<other>(?:third[- ]party|other\s+brands?'?s?|non-amazon)\s+))?"
    r"(?:e-?|digital\s+|physical\s+)?gift[- ]?cards?"
)
_SOMETHING = r"(?:any|all|most)\s+(?:other\s+)?(?:eligible\s+)?(?:purchases?|items?|products?|orders?)"


@dataclass(frozen=True)
class _Phrase:
    """A pattern that, found in a sentence, says the terms allow or forbid a use."""

    pattern: re.Pattern[str]
    says: TermsSay
    uses: tuple[Use, ...]  # for gift cards: narrowed by which brand the sentence names
    # An `allow` phrase preceded closely by a negation ("is not transferable") says nothing.
    negatable: bool = False


def _phrase(pattern: str, says: TermsSay, *uses: Use, negatable: bool = False) -> _Phrase:
    return _Phrase(re.compile(pattern, re.IGNORECASE), says, uses, negatable)


_BOTH_GIFT_CARDS = (Use.AMAZON_GIFT_CARDS, Use.THIRD_PARTY_GIFT_CARDS)
_PHRASES = (
    _phrase(rf"\b{_NEGATION}\s+{_VERB}\s+{_TOWARDS}\s+{_BUYING}{_GIFT_CARDS}", TermsSay.FORBID, *_BOTH_GIFT_CARDS),
    _phrase(rf"\b(?:excludes?|excluding|except(?:\s+for)?|other than)\s+{_BUYING}{_GIFT_CARDS}", TermsSay.FORBID,
            *_BOTH_GIFT_CARDS),
    _phrase(rf"{_GIFT_CARDS}\s+(?:are|is)\s+(?:excluded|not\s+(?:eligible|included|covered))", TermsSay.FORBID,
            *_BOTH_GIFT_CARDS),
    _phrase(rf"\bdoes\s+not\s+apply\s+to\s+{_BUYING}{_GIFT_CARDS}", TermsSay.FORBID, *_BOTH_GIFT_CARDS),
    _phrase(rf"\b(?:can|may)\s+(?:also\s+)?be\s+(?:used|applied|redeemed)\s+{_TOWARDS}\s+{_BUYING}{_GIFT_CARDS}",
            TermsSay.ALLOW, *_BOTH_GIFT_CARDS, negatable=True),
    _phrase(rf"\b(?:valid|redeemable|eligible|good)\s+(?:for|on|towards?)\s+{_BUYING}{_GIFT_CARDS}", TermsSay.ALLOW,
            *_BOTH_GIFT_CARDS, negatable=True),
    _phrase(rf"\bincluding\s+{_GIFT_CARDS}", TermsSay.ALLOW, *_BOTH_GIFT_CARDS, negatable=True),
    _phrase(r"\bnon-?\s?transferr?able\b|\bnot\s+(?:be\s+)?transferr?able\b", TermsSay.FORBID, Use.TRANSFER),
    _phrase(rf"\b{_NEGATION}\s+be\s+(?:transferred|resold|sold|shared|given\s+away|assigned)\b", TermsSay.FORBID,
            Use.TRANSFER),
    _phrase(r"\b(?:is|are)\s+transferr?able\b|\b(?:can|may)\s+be\s+transferred\b", TermsSay.ALLOW, Use.TRANSFER,
            negatable=True),
    _phrase(r"\bno\s+cash\s+value\b", TermsSay.FORBID, Use.CASH_OUT),
    _phrase(
        rf"\b{_NEGATION}\s+(?:be\s+)?(?:redeemable|redeemed|exchanged|exchangeable|converted|refunded|refundable|"
        r"cashed)\s+(?:for|into|to|as|in)\s+cash\b",
        TermsSay.FORBID,
        Use.CASH_OUT,
    ),
    _phrase(rf"\b{_NEGATION}\s+be\s+cashed(?:\s+out)?\b", TermsSay.FORBID, Use.CASH_OUT),
    _phrase(r"\b(?:redeemable|exchangeable)\s+for\s+cash\b|\b(?:can|may)\s+be\s+(?:cashed\s+out|exchanged\s+for\s+cash)",
            TermsSay.ALLOW, Use.CASH_OUT, negatable=True),
    _phrase(rf"\b(?:can|may)\s+be\s+used\s+(?:for|on|towards?)\s+{_SOMETHING}\b|\bvalid\s+(?:for|on)\s+{_SOMETHING}\b",
            TermsSay.ALLOW, Use.GENERAL_PURCHASES, negatable=True),
)
_NEGATED_BEFORE = re.compile(rf"\b(?:{_NEGATION}|no|non|neither|nor)\b[\w\s'-]{{0,24}}$", re.IGNORECASE)
# A sentence ends at . ! ? or ; followed by a space, or at a line break ("Amazon.com" stays whole).
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass(frozen=True)
class TermsHint:
    """What a sentence of the terms seems to say about one use, and the sentence itself."""

    use: Use
    says: TermsSay
    quote: str


def read_terms(terms: str) -> dict[Use, TermsHint]:
    """The uses the terms plainly speak about, each with what they seem to say and the sentence saying it.

    A use the text speaks about both ways (in one sentence or in two) is left out. Never raises.
    """
    found: dict[Use, TermsHint] = {}
    unclear: set[Use] = set()
    for sentence in _sentences(terms):
        for use, says in _sentence_says(sentence).items():
            earlier = found.get(use)
            if earlier is not None and earlier.says is not says:
                unclear.add(use)
            elif earlier is None:
                found[use] = TermsHint(use, says, _quoted(sentence))
    return {use: found[use] for use in Use if use in found and use not in unclear}


def quote_for(terms: str, use: Use, says: TermsSay) -> str | None:
    """The sentence of the terms that says `says` about `use`, if the text plainly does; else None."""
    hint = read_terms(terms).get(use)
    return hint.quote if hint is not None and hint.says is says else None


def _sentences(terms: str) -> list[str]:
    text = terms[:_READ_LIMIT] if isinstance(terms, str) else ""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def _sentence_says(sentence: str) -> dict[Use, TermsSay]:
    # Typographic apostrophes read as plain ones; one character for one, so the quote stays as written.
    plain = sentence.replace("’", "'").replace("‘", "'")
    said: dict[Use, set[TermsSay]] = {}
    for phrase in _PHRASES:
        for match in phrase.pattern.finditer(plain):
            if phrase.negatable and _NEGATED_BEFORE.search(plain[: match.start()]):
                continue
            for use in _uses_named(phrase, match):
                said.setdefault(use, set()).add(phrase.says)
    # A sentence that reads both ways about a use says nothing clear about it.
    return {use: answers.pop() for use, answers in said.items() if len(answers) == 1}


def _uses_named(phrase: _Phrase, match: re.Match[str]) -> tuple[Use, ...]:
    if phrase.uses != _BOTH_GIFT_CARDS:
        return phrase.uses
    if match.groupdict().get("amazon"):
        return (Use.AMAZON_GIFT_CARDS,)
    if match.groupdict().get("other"):
        return (Use.THIRD_PARTY_GIFT_CARDS,)
    return _BOTH_GIFT_CARDS


def _quoted(sentence: str) -> str:
    text = " ".join(sentence.split())
    return text if len(text) <= QUOTE_LIMIT else f"{text[: QUOTE_LIMIT - 1].rstrip()}…"
