"""What a credit can be used for: every use gets a verdict, the rule that decided it and why.

Precedence (DESIGN.md "Usage rules"), highest first: the credit is expired; it is spent in
full; a checkout observation; what the user recorded from the credit's own terms; the first
rule for the credit's source, narrowed by its eligible categories; the cautious default. A
permissive verdict from the rules for a credit outside the rule set's region is then softened
to `check_terms`. Pure: no Qt, no database; evaluation never raises, whatever the credit holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from ledger.money import format_money, from_minor, known_currencies
from ledger.rules.advice import Advice, Piece, arrange
from ledger.rules.advice import advice_json as _advice_lines
from ledger.rules.rulebook import Condition, DefaultRule, Rule, RuleBook, RuleSet, builtin_rulebook
from ledger.rules.ruleset import Stage, fill_placeholders, name_key
from ledger.rules.terms_reading import quote_for
from ledger.validation import REGION_ALIASES, region_in_words, region_name
from ledger.vocab import CHECKOUT_USES, Outcome, Source, TermsSay, Use, Verdict, plain_upper

if TYPE_CHECKING:
    # Types only: loading the ORM's models would cost a command most of its run (`ledger.storage.rows`).
    from ledger.storage.models import Credit
    from ledger.storage.rows import CreditRecord

_REFUSING = (Outcome.NOT_OFFERED, Outcome.GRAYED_OUT)
_Holds = Callable[[Rule], bool]
# How a purchase is named in advice about trying it at checkout ({untested_uses}).
_TRY_AT_CHECKOUT = {
    Use.GENERAL_PURCHASES: "an everyday purchase",
    Use.AMAZON_GIFT_CARDS: "an Amazon gift card",
    Use.THIRD_PARTY_GIFT_CARDS: "another brand's gift card",
}
# The cautious default's answer, when no rules are known for the merchant: the reason is said once (`basis`).
_CAUTIOUS_IN_SHORT = {
    Verdict.CHECK_TERMS: "Check its own terms first.",
    Verdict.NO: "Assume no until its own terms say otherwise.",
}
# What a permissive verdict would have been at home, in words, for the region's reason.
_AT_HOME = {Verdict.YES: "it would be allowed", Verdict.LIKELY: "it would likely be allowed"}
# {terms_quote} when the terms' text does not plainly say what the user recorded.
_RECORDED = "as you recorded them"
# Category names that mean the credit may buy gift cards after all ("Gift Cards", "gift-cards").
_GIFT_CARD_WORDS = ("giftcard",)


@dataclass(frozen=True)
class UseVerdict:
    """The answer for one use: the verdict, the id of the rule that decided it and a one-sentence reason."""

    use: Use
    verdict: Verdict
    rule: str
    reason: str
    # The verdict is about the credit's eligible categories: a purchase within them is not in doubt.
    about_categories: bool = False


@dataclass(frozen=True)
class Evaluation:
    """Everything the app says about a credit's uses: verdicts in vocabulary order, advice, what was forfeited."""

    verdicts: list[UseVerdict]
    advice: list[Advice]
    forfeited: Decimal | None
    rule_set: str
    # The user's rule files that defined or changed the rule set used: the app must say so.
    changed_by: tuple[str, ...] = ()
    # What the answers rest on, in plain words and said once: the rules of a merchant and country, or
    # that none are known for this merchant (and which merchant and region have some).
    basis: str = ""

    def verdict_for(self, use: Use) -> UseVerdict:
        """The answer for one use."""
        return next(answer for answer in self.verdicts if answer.use is use)

    @property
    def advice_rules(self) -> list[str]:
        """Every rule the advice speaks for, including those sharing a joined line."""
        return [rule for item in self.advice for rule in item.rules]


class Observation(Protocol):
    """What the user saw at checkout (a `CheckoutCheck` row fits)."""

    @property
    def use(self) -> str: ...

    @property
    def outcome(self) -> str: ...

    @property
    def observed_at(self) -> datetime: ...


@dataclass(frozen=True)
class _Facts:
    """The credit's fields, cleaned up so no rule ever meets a missing or odd value."""

    source: Source
    merchant: str
    region: str
    expires_on: date | None
    days_left: int | None
    categories: tuple[str, ...]
    has_terms: bool
    has_reference: bool
    balance: Decimal
    currency: str
    terms: str = ""
    terms_by_use: dict[Use, TermsSay] = field(default_factory=dict)

    @property
    def expired(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def gift_cards_outside_categories(self) -> bool:
        """It is limited to categories, and none of them is gift cards."""
        squeezed = ("".join(ch for ch in name.casefold() if ch.isalnum()) for name in self.categories)
        return bool(self.categories) and not any(word in name for name in squeezed for word in _GIFT_CARD_WORDS)


def evaluate(
    credit: CreditRecord | Credit,
    today: date,
    *,
    balance: Decimal | None = None,
    checks: Iterable[Observation] = (),
    rulebook: RuleBook | None = None,
) -> Evaluation:
    """Answer every use for this credit on this day; `balance` defaults to the original amount.

    Odd fields never raise: an unknown source counts as `other`, an unknown merchant gets the cautious default.
    """
    book = rulebook if rulebook is not None else builtin_rulebook()
    facts = _facts(credit, today, balance)
    rule_set = book.for_credit(facts.merchant, facts.region)
    return evaluate_facts(book, facts, rule_set, checks, _placeholders(facts, rule_set))


def evaluate_facts(
    book: RuleBook, facts: _Facts, rule_set: RuleSet | None, checks: Iterable[Observation], values: dict[str, str]
) -> Evaluation:
    """`evaluate` once the credit's facts and rule set are known, its reasons quoting `values` (see VerdictCache)."""
    rules = book.rules_for(rule_set)
    other_region = rule_set is not None and name_key(facts.region) != name_key(rule_set.region)
    table = condition_table(facts, book.large_balance_for(rule_set), other_region)
    label = rule_set.label if rule_set else f"cautious default (no rule set for {facts.merchant or 'this merchant'})"
    changed_by = rule_set.user_files if rule_set else ()
    # What every answer shares: the rule set's name, the user's files that changed it, what the answers rest on.
    about = Evaluation([], [], None, label, changed_by, _basis(book, rule_set, facts))

    def holds(rule: Rule, verdict_facts: Mapping[Condition, bool] | None = None) -> bool:
        found = table if verdict_facts is None else {**table, **verdict_facts}
        # A verdict fact asked for before the verdicts exist (a rule that decides uses) does not hold.
        return rule.covers(facts.source) and all(found.get(c, False) for c in rule.conditions)

    if facts.expired:
        return _everything_no(Stage.EXPIRED, facts, rules, holds, values, about=about)
    if facts.balance <= 0:
        # Nothing is left to spend or to protect: no advice, every piece would be about a balance that is gone.
        return _everything_no(Stage.SPENT, facts, rules, holds, values, about=about)

    default = book.default_for(rule_set)
    # A rule naming the source beats one for every source; file order breaks ties.
    source_rules = sorted(
        (rule for rule in rules if rule.uses and rule.stage is Stage.SOURCE and holds(rule)),
        key=lambda rule: rule.sources is None,
    )
    narrowing = [rule for rule in rules if rule.uses and rule.stage is Stage.NARROWING and holds(rule)]
    by_id: dict[str, Rule] = {}
    for rule in rules:
        by_id.setdefault(rule.id, rule)
    latest = _latest_outcomes(checks)
    answers: list[UseVerdict] = []
    for use in Use:
        answer = _narrowed(_from_source_rules(use, source_rules, default, values), narrowing, by_id, values)
        said = facts.terms_by_use.get(use)
        if said is not None:
            answer = _apply_terms(answer, said, facts, rules, holds, values=values)
        outcome = latest.get(use)
        if outcome is not None:
            answer = _apply_observation(answer, outcome, rules, holds, values)
        # The region's caution is about these rules, not about what the credit's own terms say.
        from_terms = answer.rule in by_id and by_id[answer.rule].stage is Stage.TERMS
        if other_region and not from_terms and answer.verdict in (Verdict.YES, Verdict.LIKELY):
            answer = _soften_for_region(answer, rules, holds, values)
        if rule_set is None and answer.rule == default.id and answer.verdict in _CAUTIOUS_IN_SHORT:
            # Why is said once (`basis`): no rules are known for this merchant.
            answer = replace(answer, reason=_CAUTIOUS_IN_SHORT[answer.verdict])
        deciding_rule = by_id.get(answer.rule)
        if deciding_rule is not None and (
            Condition.HAS_CATEGORIES in deciding_rule.conditions or deciding_rule.stage is Stage.NARROWING
        ):
            answer = replace(answer, about_categories=True)
        answers.append(answer)

    deciding = {answer.rule for answer in answers}
    needs_checking = any(answer.verdict is Verdict.CHECK_TERMS for answer in answers)
    untested = [
        answer.use
        for answer in answers
        if answer.use in CHECKOUT_USES and answer.verdict is Verdict.CHECK_TERMS and answer.use not in latest
    ]
    values["untested_uses"] = " or ".join(_untested_name(use, facts) for use in untested) or "it"
    verdict_facts = {Condition.NEEDS_CHECKING: needs_checking, Condition.UNTESTED_AT_CHECKOUT: bool(untested)}

    def advises(rule: Rule) -> bool:
        # A deciding rule explains its verdict; an advice-only rule speaks when its conditions hold.
        if not rule.advice.strip():
            return False
        if rule.id in deciding:
            return True
        if rule.checkout is Outcome.OFFERED:
            # Seen at checkout but kept at the rule's answer: say why the offer is not to be trusted.
            return Outcome.OFFERED in latest.values() and holds(rule)
        return not rule.uses and Condition.EXPIRED not in rule.conditions and holds(rule, verdict_facts)

    pieces = [Piece(rule.tier, rule.id, fill_placeholders(rule.advice, values)) for rule in rules if advises(rule)]
    if default.id in deciding and default.advice.strip() and not facts.has_terms:
        # The default's advice is to find and record the terms: pointless once they are recorded.
        pieces.insert(0, Piece(default.tier, default.id, fill_placeholders(default.advice, values)))
    return replace(about, verdicts=answers, advice=arrange(pieces))


def eligibility_json(ev: Evaluation) -> list[dict[str, str]]:
    """The verdicts as `show --json` prints them: `[{use, verdict, rule, reason}]`."""
    return verdicts_json(ev.verdicts)


def verdicts_json(verdicts: Iterable[UseVerdict]) -> list[dict[str, str]]:
    """Verdicts as the command line prints them: `[{use, verdict, rule, reason}]`."""
    # `_value_` is the member's value as `.value` gives it, without the property's cost (a list prints thousands).
    return [
        {"use": answer.use._value_, "verdict": answer.verdict._value_, "rule": answer.rule, "reason": answer.reason}
        for answer in verdicts
    ]


def advice_json(ev: Evaluation) -> list[dict[str, object]]:
    """The advice as `show --json` prints it: `[{rule, rules, text}]`."""
    return _advice_lines(ev.advice)


def rules_changed_text(ev: Evaluation) -> str:
    """The line "Rules changed by mine.toml" when the user's own rule files changed these answers, else empty."""
    return f"Rules changed by {', '.join(ev.changed_by)}" if ev.changed_by else ""


def eligibility_summary(ev: Evaluation) -> dict[str, str]:
    """The short form for `list --json`: use -> verdict."""
    return verdicts_summary(ev.verdicts)


def verdicts_summary(verdicts: Iterable[UseVerdict]) -> dict[str, str]:
    """Verdicts in `list --json`'s short form: use -> verdict."""
    return {answer.use._value_: answer.verdict._value_ for answer in verdicts}  # `.value`, cheaper (see above)


def _everything_no(
    stage: Stage,
    facts: _Facts,
    rules: tuple[Rule, ...],
    holds: _Holds,
    values: dict[str, str],
    *,
    about: Evaluation,
) -> Evaluation:
    """Expired or spent in full: every use is `no`, whatever the rule file says, and nothing else is asked."""
    rule = next(rule for rule in rules if rule.uses and rule.stage is stage and holds(rule))
    answers = [UseVerdict(use, Verdict.NO, rule.id, fill_placeholders(rule.reason, values)) for use in Use]
    if stage is not Stage.EXPIRED:
        return replace(about, verdicts=answers)
    # Once expired, only advice about the expired state still helps, and only if something was lost.
    forfeited = max(facts.balance, Decimal(0))
    pieces = [
        Piece(item.tier, item.id, fill_placeholders(item.advice, values))
        for item in rules
        if forfeited > 0 and item.advice.strip() and item.stage is Stage.EXPIRED and holds(item)
    ]
    return replace(about, verdicts=answers, advice=arrange(pieces), forfeited=forfeited)


def _from_source_rules(use: Use, source_rules: list[Rule], default: DefaultRule, values: dict[str, str]) -> UseVerdict:
    for rule in source_rules:
        if use in rule.uses and rule.verdict is not None:
            return UseVerdict(use, rule.verdict, rule.id, fill_placeholders(rule.reason, values))
    verdict = default.verdicts.get(use, Verdict.NO)
    return UseVerdict(use, verdict, default.id, fill_placeholders(default.reason_for(verdict), values))


def _untested_name(use: Use, facts: _Facts) -> str:
    """A purchase not yet tried at checkout, as advice names it: an item of its categories if it has some."""
    if use is Use.GENERAL_PURCHASES and facts.categories:
        return f"an item in {', '.join(facts.categories)}"
    return _TRY_AT_CHECKOUT[use]


def _narrowed(answer: UseVerdict, narrowing: list[Rule], by_id: dict[str, Rule], values: dict[str, str]) -> UseVerdict:
    """The answer narrowed by the credit's categories (or another `narrows` rule): never loosened.

    A `no` stays as its rule gave it, and so does an answer whose rule already took the
    categories into account; otherwise a narrowing rule at least as strict replaces it.
    """
    decided_by = by_id.get(answer.rule)
    if answer.verdict is Verdict.NO or (decided_by is not None and Condition.HAS_CATEGORIES in decided_by.conditions):
        return answer
    for rule in narrowing:
        if answer.use in rule.uses and rule.verdict is not None and _rank(rule.verdict) >= _rank(answer.verdict):
            return UseVerdict(answer.use, rule.verdict, rule.id, fill_placeholders(rule.reason, values))
    return answer


def _apply_terms(
    answer: UseVerdict, said: TermsSay, facts: _Facts, rules: tuple[Rule, ...], holds: _Holds, *, values: dict[str, str]
) -> UseVerdict:
    """What the credit's own terms say about the use, as the user recorded it, quoting them when they plainly do."""
    rule = next((rule for rule in rules if rule.terms is said and answer.use in rule.uses and holds(rule)), None)
    if rule is None or rule.verdict is None:
        return answer
    quote = quote_for(facts.terms, answer.use, said)
    quoted = {**values, "terms_quote": f"“{quote}”" if quote else _RECORDED}
    return UseVerdict(answer.use, rule.verdict, rule.id, fill_placeholders(rule.reason, quoted))


def _apply_observation(
    answer: UseVerdict, outcome: Outcome, rules: tuple[Rule, ...], holds: _Holds, values: dict[str, str]
) -> UseVerdict:
    rule = next((rule for rule in rules if rule.checkout is outcome and answer.use in rule.uses and holds(rule)), None)
    if rule is None or rule.verdict is None:
        return answer
    observed = UseVerdict(answer.use, rule.verdict, rule.id, fill_placeholders(rule.reason, values))
    if outcome in _REFUSING:
        return observed
    # "Offered" may be a passing allowance: it never overturns a firm `no` (the terms still
    # rule, and a purchase that slips through can be reversed), lifts a lesser caution only
    # as far as its own verdict, and never lowers an answer that is already more permissive.
    if answer.verdict is Verdict.NO or _rank(answer.verdict) < _rank(rule.verdict):
        return answer
    return observed


def _soften_for_region(
    answer: UseVerdict, rules: tuple[Rule, ...], holds: _Holds, values: dict[str, str]
) -> UseVerdict:
    rule = next(
        (
            rule
            for rule in rules
            if Condition.OTHER_REGION in rule.conditions and answer.use in rule.uses and holds(rule)
        ),
        None,
    )
    if rule is None or rule.verdict is None:
        return answer
    at_home = _AT_HOME.get(answer.verdict, "the answer could differ")
    reason = f"{fill_placeholders(rule.reason, values).rstrip('.')} (in {values['rule_region']} {at_home})."
    return UseVerdict(answer.use, rule.verdict, rule.id, reason)


def _basis(book: RuleBook, rule_set: RuleSet | None, facts: _Facts) -> str:
    """What the answers rest on, in plain words: whose rules, for which country; or that none are known."""
    if rule_set is not None:
        home = region_name(_region_code(rule_set.region))
        said = f"These answers follow the rules for {rule_set.merchant} in {home}"
        if facts.region and name_key(facts.region) != name_key(rule_set.region):
            return f"{said}, taken with care for a credit from {_region_words(facts.region)}."
        return f"{said}."
    merchant = facts.merchant or "this merchant"
    said = (
        f"No rules are known for “{merchant}”, so each answer here is the cautious one until you record what "
        "its own terms say."
    )
    return f"{said} {_suggestion(book, facts)}".strip()


def _suggestion(book: RuleBook, facts: _Facts) -> str:
    """Which merchant and region have rules, when the merchant's name seems to mean one ("Amazon UK" is Amazon,
    region GB); else which merchants have rules at all."""
    words = _words(facts.merchant)
    for rule_set in book.rule_sets:
        known = _words(rule_set.merchant)
        if not known or words[: len(known)] != known:
            continue
        rest = words[len(known) :]
        # "Amazon UK", "Amazon Germany", "Amazon United Kingdom", "Amazon.co.uk": the country is what follows.
        meant = (region_in_words(" ".join(rest)) or region_in_words(rest[-1])) if rest else None
        change = f" and the region to {meant}" if meant and meant != _region_code(facts.region) else ""
        home = region_name(_region_code(rule_set.region))
        return (
            f"Rules are known for “{rule_set.merchant}” in {home}: to use them, set the merchant to "
            f"“{rule_set.merchant}”{change}."
        )
    merchants = sorted({rule_set.merchant for rule_set in book.rule_sets})
    return f"The app has rules for {', '.join(merchants)} only." if merchants else ""


def _words(name: str) -> list[str]:
    """A merchant's name as the words it is made of, ignoring case and punctuation ("Amazon.co.uk": amazon co uk)."""
    return re.findall(r"[^\W_]+", name.casefold())


def _region_code(region: str) -> str:
    """A region as written in a credit or rule file, as the code it stands for ("uk" is GB)."""
    code = plain_upper(region.strip())
    return REGION_ALIASES.get(code, code)


def _region_words(region: str) -> str:
    """A region in a sentence: "the United Kingdom", or the code as written when it names no country."""
    return region_name(_region_code(region)) if region.strip() else "an unknown region"


def _rank(verdict: Verdict) -> int:
    """0 for the most permissive verdict, growing towards `no`."""
    return list(Verdict).index(verdict)


# The conditions `condition_values` answers, in its order: every condition a rule can name but the verdict facts.
TABLE_CONDITIONS = (
    Condition.EXPIRED, Condition.NOT_EXPIRED, Condition.HAS_EXPIRY, Condition.NO_EXPIRY, Condition.HAS_CATEGORIES,
    Condition.NO_CATEGORIES, Condition.HAS_TERMS, Condition.NO_TERMS, Condition.HAS_REFERENCE, Condition.NO_REFERENCE,
    Condition.HAS_BALANCE, Condition.NO_BALANCE, Condition.LARGE_BALANCE, Condition.EXPIRES_LATER,
    Condition.EXPIRES_THIS_WEEK, Condition.EXPIRES_TODAY, Condition.GIFT_CARDS_OUTSIDE_CATEGORIES,
    Condition.OTHER_REGION,
)  # fmt: skip


def condition_values(facts: _Facts, thresholds: dict[str, Decimal], other_region: bool) -> tuple[bool, ...]:
    """Whether each of TABLE_CONDITIONS holds for the credit, in that order.

    A tuple, not a dict: hashing an enum member runs Python code, and a list of thousands of credits
    (VerdictCache) needs only the answers.
    """
    has_expiry = facts.expires_on is not None
    large = thresholds.get(facts.currency)
    days = facts.days_left
    expired = days is not None and days < 0
    has_balance = facts.balance > 0
    return (
        expired,
        not expired,
        has_expiry,
        not has_expiry,
        bool(facts.categories),
        not facts.categories,
        facts.has_terms,
        not facts.has_terms,
        facts.has_reference,
        not facts.has_reference,
        has_balance,
        not has_balance,
        large is not None and facts.balance >= large,
        days is not None and days > 7,
        days is not None and 1 <= days <= 7,
        days == 0,
        bool(facts.categories) and facts.gift_cards_outside_categories,
        other_region,
    )


def condition_table(facts: _Facts, thresholds: dict[str, Decimal], other_region: bool) -> dict[Condition, bool]:
    """Whether each condition a rule can name holds for the credit (all but the verdict facts), worked out once."""
    return dict(zip(TABLE_CONDITIONS, condition_values(facts, thresholds, other_region), strict=True))


def _latest_outcomes(checks: Iterable[Observation]) -> dict[Use, Outcome]:
    """The most recent outcome per use; later rows win ties, unreadable rows are ignored."""
    latest: dict[Use, tuple[datetime, Outcome]] = {}
    for check in checks:
        try:
            use = Use(str(getattr(check, "use", "")))
            outcome = Outcome(str(getattr(check, "outcome", "")))
        except ValueError:
            continue
        seen = getattr(check, "observed_at", None)
        if not isinstance(seen, datetime):
            continue
        # Naive times are taken as UTC so they compare with aware ones.
        seen = seen if seen.tzinfo is not None else seen.replace(tzinfo=UTC)
        if use not in latest or seen >= latest[use][0]:
            latest[use] = (seen, outcome)
    return {use: outcome for use, (_, outcome) in latest.items()}


def _facts(credit: Any, today: date, balance: Decimal | None) -> _Facts:
    today = today.date() if isinstance(today, datetime) else today
    expires_on = getattr(credit, "expires_on", None)
    if isinstance(expires_on, datetime):
        expires_on = expires_on.date()
    if not isinstance(expires_on, date):
        expires_on = None
    raw_source = getattr(credit, "source", None)
    try:
        source = Source(raw_source.strip().lower()) if isinstance(raw_source, str) else Source.OTHER
    except ValueError:
        source = Source.OTHER  # an unknown source gets the cautious treatment of "other"
    categories = getattr(credit, "categories", None)
    if isinstance(categories, str):
        categories = categories.split(",")
    if not isinstance(categories, list | tuple | set | frozenset):
        categories = ()
    currency = _text(getattr(credit, "currency", None)).upper()
    said = _terms_by_use(getattr(credit, "terms_by_use", None))
    return _Facts(
        source=source,
        merchant=_text(getattr(credit, "merchant", None)),
        region=_text(getattr(credit, "region", None)),
        expires_on=expires_on,
        days_left=None if expires_on is None else (expires_on - today).days,
        categories=tuple(str(item).strip() for item in categories if str(item).strip()),
        has_terms=bool(_text(getattr(credit, "terms", None)) or _text(getattr(credit, "terms_url", None)) or said),
        has_reference=bool(_text(getattr(credit, "reference", None))),
        balance=_balance(credit, balance, currency),
        currency=currency,
        terms=_text(getattr(credit, "terms", None)),
        terms_by_use=said,
    )


def _terms_by_use(raw: object) -> dict[Use, TermsSay]:
    """What the user recorded from the terms, keeping only known uses with `allow` or `forbid`."""
    if not isinstance(raw, dict) or not raw:
        return {}  # most credits: nothing recorded, and going through every use would cost a long list dearly
    said: dict[Use, TermsSay] = {}
    for use in Use:
        answer = raw.get(use.value)
        if answer in (TermsSay.ALLOW, TermsSay.FORBID):
            said[use] = TermsSay(answer)
    return said


def _balance(credit: Any, balance: Decimal | None, currency: str) -> Decimal:
    if isinstance(balance, Decimal) and balance.is_finite():
        return balance
    minor = getattr(credit, "amount_minor", None)
    if not isinstance(minor, int) or isinstance(minor, bool):
        return Decimal(0)
    if currency in known_currencies():
        return from_minor(minor, currency)
    return Decimal(minor).scaleb(-2)  # an unknown currency: assume cents, it is only shown


def _placeholders(facts: _Facts, rule_set: RuleSet | None) -> dict[str, str]:
    days = facts.days_left
    if days is None:
        time_left = "no expiry recorded"
    elif days == 0:
        time_left = "today is the last day"
    else:
        time_left = f"{days} day{'s' if days != 1 else ''} left"
    return {
        "merchant": facts.merchant or "the merchant",
        "region": _region_words(facts.region),
        "rule_region": region_name(_region_code(rule_set.region)) if rule_set else "its own region",
        "source": facts.source.value.replace("_", " "),
        "categories": ", ".join(facts.categories) or "its eligible categories",
        "expires_on": facts.expires_on.isoformat() if facts.expires_on else "no date",
        "days_left": "" if days is None else str(days),
        "time_left": time_left,
        "balance": _money_text(facts.balance, facts.currency),
        "terms_quote": _RECORDED,
        "untested_uses": "it",
    }


def _money_text(value: Decimal, currency: str) -> str:
    if currency in known_currencies():
        try:
            return format_money(value, currency)
        except (ValueError, ArithmeticError):
            pass
    return f"{value} {currency}".strip()


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
