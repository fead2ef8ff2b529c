"""Usage rules as data: the shipped rule sets in `resources/rules` plus the user's own files.

A rule set is one TOML file per merchant and region (`resources/rules/amazon-us.toml`
describes the fields). User files add merchants or override rules by id. A broken file
never stops the app: it is skipped and reported as a `RuleProblem` naming the file, the
rule and what is wrong.

A user file joins a shipped set only when its merchant and region name that set (`name_key`:
the same text, ASCII letters in any case), and then changes the rules for that merchant alone:
the shipped rules that serve every other merchant (`any_merchant`) are never replaced. Each set
remembers the user files that shaped it, so an evaluation can say so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ledger.rules.parsing import parse_rule_set, read_rule_set
from ledger.rules.ruleset import (
    PLACEHOLDERS,
    AdviceTier,
    Condition,
    DefaultRule,
    Rule,
    RuleProblem,
    RuleSet,
    name_key,
)
from ledger.shipped import RULES, shipped

__all__ = [
    "LAST_RESORT",
    "PLACEHOLDERS",
    "AdviceTier",
    "Condition",
    "DefaultRule",
    "Rule",
    "RuleBook",
    "RuleProblem",
    "RuleSet",
    "builtin_rulebook",
    "builtin_rules_dir",
    "load_rulebook",
    "parse_rule_set",
    "read_rule_set",
    "skipped_files",
]


@dataclass(frozen=True)
class RuleBook:
    """Every loaded rule set, plus the fallback whose merchant-neutral rules serve everyone else."""

    rule_sets: tuple[RuleSet, ...]
    fallback: RuleSet

    def for_credit(self, merchant: str, region: str) -> RuleSet | None:
        """The set for this merchant: the one for its region if there is one, else the first for the merchant."""
        wanted = (name_key(merchant.strip()), name_key(region.strip()))
        same_merchant = [rule_set for rule_set in self.rule_sets if rule_set.key()[0] == wanted[0]]
        exact = [rule_set for rule_set in same_merchant if rule_set.key() == wanted]
        return next(iter(exact or same_merchant), None)

    def rules_for(self, rule_set: RuleSet | None) -> tuple[Rule, ...]:
        """The set's rules, then the fallback's and last resort's merchant-neutral rules it lacks."""
        rules = list(rule_set.rules) if rule_set else []
        seen = {rule.id for rule in rules}
        rules.extend(rule for rule in self.fallback.rules if rule.any_merchant and rule.id not in seen)
        # The last resort comes last and always, so an expiry, spent, checkout, terms and region
        # answer exists even when a user file overrode those rules into something else.
        rules.extend(LAST_RESORT.rules)
        return tuple(rules)

    def default_for(self, rule_set: RuleSet | None) -> DefaultRule:
        """The set's own cautious default, else the fallback's, else the last resort's."""
        for candidate in (rule_set, self.fallback, LAST_RESORT):
            if candidate is not None and candidate.default is not None:
                return candidate.default
        raise AssertionError("the last-resort rule set always has a default")

    def large_balance_for(self, rule_set: RuleSet | None) -> dict[str, Decimal]:
        """Large-balance thresholds per currency, the set's own beating the fallback's."""
        return {**self.fallback.large_balance, **(rule_set.large_balance if rule_set else {})}


def builtin_rules_dir() -> Path:
    """The folder of the rule sets that ship with the app."""
    return shipped(RULES)


@lru_cache(maxsize=1)
def builtin_rulebook() -> RuleBook:
    """The shipped rule sets alone, loaded once (problems in them are caught by the tests)."""
    return load_rulebook(builtin_rules_dir())[0]


def load_rulebook(builtin_dir: Path, user_dir: Path | None = None) -> tuple[RuleBook, list[RuleProblem]]:
    """Load the built-in sets, then the user's `*.toml` files, which add merchants or override rules by id."""
    problems: list[RuleProblem] = []
    sets = _merge_all([], _load_folder(builtin_dir, problems, from_user=False))
    # The fallback serves every merchant without a set of its own, so it stays as shipped: a user
    # file changes its own merchant's rules, never everyone's.
    fallback = sets[0] if sets else LAST_RESORT
    if user_dir is not None:
        sets = _merge_all(sets, _load_folder(user_dir, problems, from_user=True))
    return RuleBook(tuple(sets), fallback), problems


def skipped_files(problems: Iterable[RuleProblem]) -> list[str]:
    """One line per skipped file, in order: its name, then every problem found in it."""
    by_file: dict[str, list[str]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem.detail)
    return [f"{file}: {'; '.join(details)}" for file, details in by_file.items()]


def _load_folder(folder: Path, problems: list[RuleProblem], *, from_user: bool) -> list[RuleSet]:
    if not folder.is_dir():
        # The user need not have a rules folder; the app must have its own.
        if not from_user:
            problems.append(RuleProblem(str(folder), "rule folder not found"))
        return []
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(".toml"))
    except OSError as exc:
        problems.append(RuleProblem(str(folder), f"the rule folder cannot be read: {exc.strerror or exc}"))
        return []
    loaded = []
    for name in names:
        rule_set, found = read_rule_set(folder / name)
        problems.extend(found)
        if rule_set is not None and not found:
            loaded.append(replace(rule_set, user_files=(name,)) if from_user else rule_set)
    return loaded


def _merge_all(sets: list[RuleSet], extra: Iterable[RuleSet]) -> list[RuleSet]:
    merged = list(sets)
    for addition in extra:
        index = next((i for i, rule_set in enumerate(merged) if rule_set.key() == addition.key()), None)
        if index is None:
            merged.append(addition)
        else:
            merged[index] = _override(merged[index], addition)
    return merged


def _override(base: RuleSet, extra: RuleSet) -> RuleSet:
    replacements = {rule.id: rule for rule in extra.rules}
    base_ids = {rule.id for rule in base.rules}
    # New rules go first: the user knows their own credits better than the shipped set.
    added = tuple(rule for rule in extra.rules if rule.id not in base_ids)
    kept = tuple(replacements.get(rule.id, rule) for rule in base.rules)
    return RuleSet(
        merchant=base.merchant,
        region=base.region,
        rules=added + kept,
        default=extra.default or base.default,
        version=max(base.version, extra.version),
        title=extra.title or base.title,
        large_balance={**base.large_balance, **extra.large_balance},
        origin=f"{base.origin} + {extra.origin}",
        user_files=base.user_files + extra.user_files,
    )


# Used when no shipped rule set could be loaded, and for any special rule a set lacks, so
# evaluation always has an expiry, spent, checkout, terms, region and default answer to give.
_LAST_RESORT_TOML = """
merchant = "*"
region = "*"
title = "Cautious last resort"

[default]
id = "cautious-default"
reason = "No rule covers this credit, so the app gives the cautious answer until its own terms say otherwise."

[default.reasons]
check_terms = "Check its own terms first: no rule covers this credit."
no = "Assume no: no rule covers this credit, so the app errs on the side of caution until its own terms say otherwise."

[default.verdicts]
general_purchases = "check_terms"
amazon_gift_cards = "no"
third_party_gift_cards = "no"
transfer = "no"
cash_out = "no"

[[rules]]
id = "cautious-expired"
when = ["expired", "has_balance"]
uses = "all"
verdict = "no"
any_merchant = true
reason = "No: its expiry date has passed, so the {balance} left on it was forfeited."

[[rules]]
id = "cautious-expired-nothing-lost"
when = ["expired", "no_balance"]
uses = "all"
verdict = "no"
any_merchant = true
reason = "No: its expiry date has passed; it had been spent in full, so nothing was lost."

[[rules]]
id = "cautious-spent"
when = ["no_balance"]
uses = "all"
verdict = "no"
any_merchant = true
reason = "No: it has been spent in full, so nothing is left on it."

[[rules]]
id = "cautious-checkout-not-offered"
checkout = "not_offered"
uses = "all"
verdict = "no"
any_merchant = true
reason = "No, for now: the checkout did not offer this credit for this purchase."

[[rules]]
id = "cautious-checkout-grayed-out"
checkout = "grayed_out"
uses = "all"
verdict = "no"
any_merchant = true
reason = "No: the checkout showed this credit grayed out for this purchase."

[[rules]]
id = "cautious-checkout-offered"
checkout = "offered"
uses = "all"
verdict = "check_terms"
any_merchant = true
reason = "Check its terms before counting on it: the checkout accepted this credit, but that may be temporary."

[[rules]]
id = "cautious-terms-forbid"
terms = "forbid"
uses = "all"
verdict = "no"
any_merchant = true
reason = "No: its terms forbid this ({terms_quote})."

[[rules]]
id = "cautious-terms-allow"
terms = "allow"
uses = "all"
verdict = "yes"
any_merchant = true
reason = "Yes: its terms allow this ({terms_quote})."

[[rules]]
id = "cautious-other-region"
when = ["other_region"]
uses = "all"
verdict = "check_terms"
any_merchant = true
reason = "Check its terms first: these rules are for {rule_region}, and policies differ in other regions."
"""


def _last_resort() -> RuleSet:
    rule_set, problems = parse_rule_set(_LAST_RESORT_TOML, "<last resort>")
    if rule_set is None:
        raise RuntimeError(f"the built-in last-resort rules are broken: {problems}")
    return rule_set


LAST_RESORT = _last_resort()
