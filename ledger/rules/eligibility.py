"""What a credit can be used for: every use gets a verdict, the rule that decided it and why.

Precedence (DESIGN.md "Usage rules"), highest first: the credit is expired; a checkout
observation; the first rule for the credit's source; the cautious default. A permissive
verdict for a credit outside the rule set's region is then softened to `check_terms`.
Pure: no Qt, no database; evaluation never raises, whatever the credit holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from ledger.money import format_money, from_minor, known_currencies
from ledger.rules.advice import Advice, Piece, arrange
from ledger.rules.advice import advice_json as _advice_lines
from ledger.rules.rulebook import Condition, DefaultRule, Rule, RuleBook, RuleSet, builtin_rulebook
from ledger.rules.ruleset import fill_placeholders, name_key
from ledger.vocab import Outcome, Source, Use, Verdict

if TYPE_CHECKING:
    # Types only: loading the ORM's models would cost a command most of its run (`ledger.storage.rows`).
    from ledger.storage.models import Credit
    from ledger.storage.rows import CreditRecord

_REFUSING = (Outcome.NOT_OFFERED, Outcome.GRAYED_OUT)
_Holds = Callable[[Rule], bool]


@dataclass(frozen=True)
class UseVerdict:
    """The answer for one use: the verdict, the id of the rule that decided it and a one-sentence reason."""

    use: Use
    verdict: Verdict
    rule: str
    reason: str


@dataclass(frozen=True)
class Evaluation:
    """Everything the app says about a credit's uses: verdicts in vocabulary order, advice, what was forfeited."""

    verdicts: list[UseVerdict]
    advice: list[Advice]
    forfeited: Decimal | None
    rule_set: str
    # The user's rule files that defined or changed the rule set used: the app must say so.
    changed_by: tuple[str, ...] = ()

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

    @property
    def expired(self) -> bool:
        return self.days_left is not None and self.days_left < 0


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
    rules = book.rules_for(rule_set)
    thresholds = book.large_balance_for(rule_set)
    other_region = rule_set is not None and name_key(facts.region) != name_key(rule_set.region)
    values = _placeholders(facts, rule_set)
    label = rule_set.label if rule_set else f"cautious default (no rule set for {facts.merchant or 'this merchant'})"
    changed_by = rule_set.user_files if rule_set else ()

    def holds(rule: Rule, needs_checking: bool = False) -> bool:
        return rule.covers(facts.source) and all(
            _condition(c, facts, thresholds, other_region, needs_checking) for c in rule.conditions
        )

    if facts.expired:
        return _expired(facts, rules, holds, values, label, changed_by=changed_by)

    default = book.default_for(rule_set)
    # A rule naming the source beats one for every source; file order breaks ties.
    source_rules = sorted(
        (rule for rule in rules if rule.uses and not rule.is_special and holds(rule)),
        key=lambda rule: rule.sources is None,
    )
    latest = _latest_outcomes(checks)
    answers: list[UseVerdict] = []
    for use in Use:
        answer = _from_source_rules(use, source_rules, default, values)
        outcome = latest.get(use)
        if outcome is not None:
            answer = _apply_observation(answer, outcome, rules, holds, values)
        if other_region and answer.verdict in (Verdict.YES, Verdict.LIKELY):
            answer = _soften_for_region(answer, rules, holds, values)
        answers.append(answer)

    deciding = {answer.rule for answer in answers}
    needs_checking = any(answer.verdict is Verdict.CHECK_TERMS for answer in answers)

    def advises(rule: Rule) -> bool:
        # A deciding rule explains its verdict; an advice-only rule speaks when its conditions hold.
        if not rule.advice.strip():
            return False
        if rule.id in deciding:
            return True
        if rule.checkout is Outcome.OFFERED:
            # Seen at checkout but kept at the rule's answer: say why the offer is not to be trusted.
            return Outcome.OFFERED in latest.values() and holds(rule)
        return not rule.uses and Condition.EXPIRED not in rule.conditions and holds(rule, needs_checking)

    if facts.balance <= 0:
        # Nothing is left to spend or to protect: every piece of advice would be about a balance that is gone.
        return Evaluation(answers, [], None, label, changed_by)
    pieces = [Piece(rule.tier, rule.id, fill_placeholders(rule.advice, values)) for rule in rules if advises(rule)]
    if default.id in deciding and default.advice.strip() and not facts.has_terms:
        # The default's advice is to find and record the terms: pointless once they are recorded.
        pieces.insert(0, Piece(default.tier, default.id, fill_placeholders(default.advice, values)))
    return Evaluation(answers, arrange(pieces), None, label, changed_by)


def eligibility_json(ev: Evaluation) -> list[dict[str, str]]:
    """The verdicts as `show --json` prints them: `[{use, verdict, rule, reason}]`."""
    return [
        {"use": answer.use.value, "verdict": answer.verdict.value, "rule": answer.rule, "reason": answer.reason}
        for answer in ev.verdicts
    ]


def advice_json(ev: Evaluation) -> list[dict[str, object]]:
    """The advice as `show --json` prints it: `[{rule, rules, text}]`."""
    return _advice_lines(ev.advice)


def rules_changed_text(ev: Evaluation) -> str:
    """The line "Rules changed by mine.toml" when the user's own rule files changed these answers, else empty."""
    return f"Rules changed by {', '.join(ev.changed_by)}" if ev.changed_by else ""


def eligibility_summary(ev: Evaluation) -> dict[str, str]:
    """The short form for `list --json`: use -> verdict."""
    return {answer.use.value: answer.verdict.value for answer in ev.verdicts}


def _expired(
    facts: _Facts,
    rules: tuple[Rule, ...],
    holds: _Holds,
    values: dict[str, str],
    label: str,
    *,
    changed_by: tuple[str, ...],
) -> Evaluation:
    rule = next(rule for rule in rules if rule.uses and Condition.EXPIRED in rule.conditions and holds(rule))
    reason = fill_placeholders(rule.reason, values)
    # Expiry is final whatever the rule file says: the balance is forfeited.
    answers = [UseVerdict(use, Verdict.NO, rule.id, reason) for use in Use]
    # Once expired, only advice about the expired state still helps, and only if something was lost.
    forfeited = max(facts.balance, Decimal(0))
    pieces = [
        Piece(item.tier, item.id, fill_placeholders(item.advice, values))
        for item in rules
        if forfeited > 0 and item.advice.strip() and Condition.EXPIRED in item.conditions and holds(item)
    ]
    return Evaluation(answers, arrange(pieces), forfeited, label, changed_by)


def _from_source_rules(use: Use, source_rules: list[Rule], default: DefaultRule, values: dict[str, str]) -> UseVerdict:
    for rule in source_rules:
        if use in rule.uses and rule.verdict is not None:
            return UseVerdict(use, rule.verdict, rule.id, fill_placeholders(rule.reason, values))
    return UseVerdict(use, default.verdicts.get(use, Verdict.NO), default.id, fill_placeholders(default.reason, values))


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
    home = values["rule_region"]
    reason = f"{fill_placeholders(rule.reason, values).rstrip('.')} (in {home} it would be '{answer.verdict.value}')."
    return UseVerdict(answer.use, rule.verdict, rule.id, reason)


def _rank(verdict: Verdict) -> int:
    """0 for the most permissive verdict, growing towards `no`."""
    return list(Verdict).index(verdict)


def _condition(
    condition: Condition, facts: _Facts, thresholds: dict[str, Decimal], other_region: bool, needs_checking: bool
) -> bool:
    has_expiry = facts.expires_on is not None
    large = thresholds.get(facts.currency)
    checks = {
        Condition.EXPIRED: facts.expired,
        Condition.NOT_EXPIRED: not facts.expired,
        Condition.HAS_EXPIRY: has_expiry,
        Condition.NO_EXPIRY: not has_expiry,
        Condition.HAS_CATEGORIES: bool(facts.categories),
        Condition.NO_CATEGORIES: not facts.categories,
        Condition.HAS_TERMS: facts.has_terms,
        Condition.NO_TERMS: not facts.has_terms,
        Condition.HAS_REFERENCE: facts.has_reference,
        Condition.NO_REFERENCE: not facts.has_reference,
        Condition.HAS_BALANCE: facts.balance > 0,
        Condition.LARGE_BALANCE: large is not None and facts.balance >= large,
        Condition.OTHER_REGION: other_region,
        Condition.NEEDS_CHECKING: needs_checking,
    }
    return checks[condition]


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
    return _Facts(
        source=source,
        merchant=_text(getattr(credit, "merchant", None)),
        region=_text(getattr(credit, "region", None)),
        expires_on=expires_on,
        days_left=None if expires_on is None else (expires_on - today).days,
        categories=tuple(str(item).strip() for item in categories if str(item).strip()),
        has_terms=bool(_text(getattr(credit, "terms", None)) or _text(getattr(credit, "terms_url", None))),
        has_reference=bool(_text(getattr(credit, "reference", None))),
        balance=_balance(credit, balance, currency),
        currency=currency,
    )


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
        "region": facts.region or "unknown",
        "rule_region": rule_set.region if rule_set else "its own region",
        "source": facts.source.value.replace("_", " "),
        "categories": ", ".join(facts.categories) or "its eligible categories",
        "expires_on": facts.expires_on.isoformat() if facts.expires_on else "no date",
        "days_left": "" if days is None else str(days),
        "time_left": time_left,
        "balance": _money_text(facts.balance, facts.currency),
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
