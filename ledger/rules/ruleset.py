"""The shapes of usage rules: a rule, a rule set's cautious default, a rule set, a problem in a file.

Plain data with no loading logic; `ledger.rules.parsing` builds them from TOML and
`ledger.rules.rulebook` gathers them into a `RuleBook`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from ledger.vocab import Outcome, Source, TermsSay, Use, Verdict


class Condition(StrEnum):
    """A fact about a credit that a rule may require (`when = [...]` in the TOML)."""

    EXPIRED = "expired"
    NOT_EXPIRED = "not_expired"
    HAS_EXPIRY = "has_expiry"
    NO_EXPIRY = "no_expiry"
    HAS_CATEGORIES = "has_categories"
    NO_CATEGORIES = "no_categories"
    HAS_TERMS = "has_terms"
    NO_TERMS = "no_terms"
    HAS_REFERENCE = "has_reference"
    NO_REFERENCE = "no_reference"
    HAS_BALANCE = "has_balance"
    NO_BALANCE = "no_balance"  # spent in full (with `expired`: it was spent before it expired)
    LARGE_BALANCE = "large_balance"
    EXPIRES_LATER = "expires_later"  # more than a week left
    EXPIRES_THIS_WEEK = "expires_this_week"  # one to seven days left
    EXPIRES_TODAY = "expires_today"  # today is the last day it can be used
    # It has eligible categories, and none of them is gift cards.
    GIFT_CARDS_OUTSIDE_CATEGORIES = "gift_cards_outside_categories"
    OTHER_REGION = "other_region"
    # True when some use came out `check_terms`; only advice may depend on it.
    NEEDS_CHECKING = "needs_checking"
    # True when some purchase use came out `check_terms` and nobody has tried it at checkout yet; advice only.
    UNTESTED_AT_CHECKOUT = "untested_at_checkout"


# Conditions that depend on the verdicts themselves, so only advice may require them.
ADVICE_ONLY_CONDITIONS = frozenset({Condition.NEEDS_CHECKING, Condition.UNTESTED_AT_CHECKOUT})


class Stage(StrEnum):
    """When a rule that decides uses is applied; `evaluate` goes through them in this order.

    Expired and spent-in-full answer every use and stop there. Otherwise each use starts from
    its source rule (or the default), is narrowed by the credit's categories, then overruled by
    what its terms say, then by what the checkout showed; a permissive answer from the rules is
    finally softened outside the rule set's region.
    """

    EXPIRED = "expired"  # when = ["expired", ...]
    SPENT = "spent"  # when = ["no_balance", ...] without "expired"
    CHECKOUT = "checkout"  # checkout = "..."
    TERMS = "terms"  # terms = "allow" | "forbid"
    NARROWING = "narrowing"  # narrows = true
    REGION = "region"  # when = ["other_region", ...]
    SOURCE = "source"  # everything else


class AdviceTier(StrEnum):
    """Where a rule's advice goes (`tier = ...` in the TOML), in the order the advice is shown.

    `expiry` and `specific` advice is a line of its own. The advice of the other tiers is a
    short clause: every clause of one tier that applies is joined into a single line.
    """

    EXPIRY = "expiry"  # time left, or how to get an expiry recorded
    SPECIFIC = "specific"  # what is particular to this credit (the default)
    RECORD = "record"  # details worth adding to the credit
    CAUTION = "caution"  # what never to do with store credit
    UNSURE = "unsure"  # where to settle an open question


# What a reason or advice may mention; filled in by ledger.rules.eligibility.
PLACEHOLDERS = frozenset(
    {"merchant", "region", "rule_region", "source", "categories", "expires_on", "days_left", "time_left", "balance"}
    # The sentence of the credit's terms a recorded answer rests on, and the purchases not yet tried at checkout.
    | {"terms_quote", "untested_uses"}
)

# The whole placeholder grammar: `{{` and `}}` are braces, `{name}` is a placeholder, anything
# else in braces is refused. Not str.format: its format specs (`{merchant:>99999999999}`),
# conversions, attribute and index access let a rule file allocate or reach far beyond plain text.
_BRACES = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def placeholder_problems(text: str) -> list[str]:
    """What is wrong with the placeholders in a reason or advice: unknown names, formats, lone braces."""
    problems: list[str] = []
    for match in _BRACES.finditer(text):
        inside = match.group(1)
        if match.group(0) in ("{{", "}}") or inside in PLACEHOLDERS:
            continue
        if inside is None:
            problems.append("has a lone brace; write braces as {{ and }}")
        elif inside.isidentifier():
            expected = ", ".join(sorted(PLACEHOLDERS))
            problems.append(f"has unknown placeholder {{{clipped(inside)}}} (expected one of {expected})")
        else:
            problems.append(
                f"has placeholder {{{clipped(inside)}}}: a placeholder is a plain name like {{merchant}}, "
                "with no format, conversion, attribute or index"
            )
    return list(dict.fromkeys(problems))


def fill_placeholders(template: str, values: Mapping[str, str]) -> str:
    """The text with each `{name}` replaced by its value; anything else in braces is left as written."""

    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole in ("{{", "}}"):
            return whole[0]
        return values.get(match.group(1) or "", whole)

    return _BRACES.sub(replace, template)


def name_key(name: str) -> str:
    """A merchant or region as compared: ASCII letters ignore case, nothing else changes.

    No spaces are trimmed and no other letter is folded (`casefold` would make `Uſ` equal `US`),
    so a rule file can only reach a rule set whose names it spells out.
    """
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def clipped(text: str, limit: int = 40) -> str:
    """A rule file's text cut short for a message, so a huge value cannot flood the warnings."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


@dataclass(frozen=True)
class Rule:
    """One rule: for these sources and conditions, these uses get this verdict (or only advice)."""

    id: str
    reason: str
    advice: str = ""
    sources: frozenset[Source] | None = None  # None: every source
    uses: tuple[Use, ...] = ()
    verdict: Verdict | None = None
    conditions: frozenset[Condition] = frozenset()
    checkout: Outcome | None = None
    terms: TermsSay | None = None
    narrows: bool = False
    any_merchant: bool = False
    tier: AdviceTier = AdviceTier.SPECIFIC
    kind: str = "custom"
    guide: str = ""
    origin: str = ""

    def covers(self, source: Source) -> bool:
        """Whether the rule applies to credits from this source."""
        return self.sources is None or source in self.sources

    @cached_property  # asked for every rule of every evaluation: a list of many credits asks it often
    def stage(self) -> Stage:
        """When the rule is applied (it matters only for a rule that decides uses)."""
        return stages_of(self.conditions, self.checkout, self.terms, self.narrows)[0]

    @property
    def is_special(self) -> bool:
        """Every rule but a source rule is applied in a stage of its own."""
        return self.stage is not Stage.SOURCE


def stages_of(
    conditions: frozenset[Condition], checkout: Outcome | None, terms: TermsSay | None, narrows: bool
) -> list[Stage]:
    """Every stage a rule's fields point to, in the order they are applied; [SOURCE] when none.

    A rule file is refused when a rule points to two stages (`ledger.rules.parsing`).
    """
    marks = {
        Stage.EXPIRED: Condition.EXPIRED in conditions,
        Stage.SPENT: Condition.NO_BALANCE in conditions and Condition.EXPIRED not in conditions,
        Stage.CHECKOUT: checkout is not None,
        Stage.TERMS: terms is not None,
        Stage.NARROWING: narrows,
        Stage.REGION: Condition.OTHER_REGION in conditions,
    }
    return [stage for stage, marked in marks.items() if marked] or [Stage.SOURCE]


@dataclass(frozen=True)
class DefaultRule:
    """The cautious answer for every use that no rule decides."""

    id: str
    reason: str
    verdicts: Mapping[Use, Verdict]
    advice: str = ""
    tier: AdviceTier = AdviceTier.SPECIFIC
    guide: str = ""
    origin: str = ""
    # A reason per verdict (`[default.reasons]`), so each says its own answer in words; else `reason`.
    reasons: Mapping[Verdict, str] = field(default_factory=dict)

    def reason_for(self, verdict: Verdict) -> str:
        """The reason given with this verdict."""
        return self.reasons.get(verdict, self.reason)


@dataclass(frozen=True)
class RuleSet:
    """The rules for one merchant in one region."""

    merchant: str
    region: str
    rules: tuple[Rule, ...]
    default: DefaultRule | None = None
    version: int = 1
    title: str = ""
    large_balance: Mapping[str, Decimal] = field(default_factory=dict)
    origin: str = ""
    # The user's files that define or change this set, in the order they were applied.
    user_files: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id, if the set has one."""
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    @property
    def label(self) -> str:
        """A short name for messages and JSON: `Amazon US v1`."""
        return f"{self.merchant} {self.region} v{self.version}"

    def key(self) -> tuple[str, str]:
        """Merchant and region as compared (`name_key`): only the case of ASCII letters does not matter."""
        return (name_key(self.merchant), name_key(self.region))


@dataclass(frozen=True)
class RuleProblem:
    """Why a rule file was skipped: its file, the rule (if one is to blame) and the problem."""

    file: str
    problem: str
    rule_id: str | None = None
    rule_index: int | None = None

    @property
    def detail(self) -> str:
        """The problem and the rule it is in, without the file name."""
        if self.rule_id:
            return f"rule '{self.rule_id}': {self.problem}"
        if self.rule_index is not None:
            return f"rule #{self.rule_index}: {self.problem}"
        return self.problem

    def __str__(self) -> str:
        return f"{self.file}: {self.detail}"
