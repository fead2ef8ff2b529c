"""Reading and validating one rule file: every problem is collected and reported, nothing raises.

The TOML fields are described at the top of `resources/rules/amazon-us.toml`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ledger.file_reading import Refusal, UnreadableFile, read_regular_file
from ledger.money import MoneyError, known_currencies, parse_amount
from ledger.rules.ruleset import (
    ADVICE_ONLY_CONDITIONS,
    AdviceTier,
    Condition,
    DefaultRule,
    Rule,
    RuleProblem,
    RuleSet,
    Stage,
    clipped,
    placeholder_problems,
    stages_of,
)
from ledger.vocab import Outcome, Source, TermsSay, Use, Verdict

ALL = "all"
# The shipped Amazon US set is about 16 KB: this leaves room for any real rule set and keeps
# a hostile file from costing time or memory before it is refused.
MAX_FILE_BYTES = 256 * 1024
MAX_VERSION = 1_000_000
# Past this many problems a file is clearly not a rule set: the rest are counted, not listed.
MAX_PROBLEMS_PER_FILE = 10

_Word = TypeVar("_Word", bound=StrEnum)

_RULE_FIELDS = frozenset(
    {"id", "kind", "guide", "sources", "when", "uses", "verdict", "checkout", "reason", "advice", "tier"}
    | {"any_merchant", "terms", "narrows"}
)
_DEFAULT_FIELDS = frozenset({"id", "kind", "guide", "reason", "reasons", "advice", "tier", "verdicts"})
_TOP_FIELDS = frozenset({"merchant", "region", "version", "title", "large_balance", "default", "rules"})
_PERMISSIVE = (Verdict.YES, Verdict.LIKELY)


def read_rule_set(path: Path) -> tuple[RuleSet | None, list[RuleProblem]]:
    """One rule file: the set it defines, or None and every problem found in it.

    Only a regular file of at most `MAX_FILE_BYTES` is read (a symbolic link to one too): a FIFO,
    a device or a folder is refused without blocking and without reading from it.
    """
    try:
        data = read_regular_file(path, MAX_FILE_BYTES)
    except UnreadableFile as refused:
        return None, [RuleProblem(path.name, _unreadable(refused))]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [RuleProblem(path.name, f"cannot be read: it is not UTF-8 text (at byte {exc.start + 1})")]
    return parse_rule_set(text, path.name)


def _unreadable(refused: UnreadableFile) -> str:
    if refused.refusal in (Refusal.FOLDER, Refusal.SPECIAL):
        return "is not a regular file (a folder, device or pipe); only plain text files are read"
    if refused.refusal is Refusal.TOO_LARGE:
        return f"is too large (a rule file may hold at most {MAX_FILE_BYTES // 1024} KB)"
    return f"cannot be read: {refused}"


def parse_rule_set(text: str, origin: str) -> tuple[RuleSet | None, list[RuleProblem]]:
    """The rule set in a TOML text, or None and the problems that make it unusable."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [RuleProblem(origin, f"not valid TOML: {exc}")]
    except RecursionError:
        return None, [RuleProblem(origin, "not valid TOML: lists or tables are nested too deeply to read")]
    except ValueError:
        # tomllib refuses whole numbers longer than Python converts (4300 digits) with a bare ValueError.
        return None, [RuleProblem(origin, "not valid TOML: a number has far too many digits")]
    rule_set, problems = _Parser(origin).rule_set(data)
    if len(problems) > MAX_PROBLEMS_PER_FILE:
        more = len(problems) - MAX_PROBLEMS_PER_FILE
        problems = [*problems[:MAX_PROBLEMS_PER_FILE], RuleProblem(origin, f"and {more} more problems")]
    return rule_set, problems


def _choices(kind: type[StrEnum]) -> str:
    return ", ".join(member.value for member in kind)


class _Where(NamedTuple):
    """Which rule a problem belongs to: its id when it has one, else its position in the file."""

    rule_id: str | None = None
    position: int | None = None


_FILE = _Where()


class _Parser:
    """Validates one file's data, collecting every problem instead of stopping at the first."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[RuleProblem] = []

    def report(self, problem: str, where: _Where = _FILE) -> None:
        self.problems.append(RuleProblem(self.origin, problem, where.rule_id, where.position))

    def rule_set(self, data: dict[str, Any]) -> tuple[RuleSet | None, list[RuleProblem]]:
        for name in sorted(set(data) - _TOP_FIELDS):
            self.report(f"unknown field '{clipped(name)}' (expected one of {', '.join(sorted(_TOP_FIELDS))})")
        merchant = self.name(data, "merchant")
        region = self.name(data, "region")
        title = self.text(data, "title")
        version = data.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
            self.report(f"'version' must be a whole number from 1 to {MAX_VERSION}, not {_shown(version)}")
            version = 1
        default = self.default(data["default"]) if "default" in data else None
        rules = self.rules(data.get("rules", []))
        large_balance = self.large_balance(data.get("large_balance", {}))
        if self.problems or merchant is None or region is None:
            return None, self.problems
        rule_set = RuleSet(merchant, region, rules, default, version, title or "", large_balance, self.origin)
        return rule_set, []

    def text(self, table: Mapping[str, Any], name: str, where: _Where = _FILE, *, required: bool = False) -> str | None:
        value = table.get(name)
        if value is None:
            if required:
                self.report(f"missing required field '{name}'", where)
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.report(f"'{name}' must be a non-empty text", where)
            return None
        return value

    def name(self, table: Mapping[str, Any], name: str) -> str | None:
        """The merchant or region: required, and spelt exactly, since it decides which rule set a file joins."""
        value = self.text(table, name, required=True)
        if value is not None and value != value.strip():
            self.report(f"'{name}' {_shown(value)} begins or ends with spaces: write it as {_shown(value.strip())}")
            return None
        return value

    def rules(self, raw: Any) -> tuple[Rule, ...]:
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.report("'rules' must be a list of [[rules]] tables")
            return ()
        rules: list[Rule] = []
        first_seen: dict[str, int] = {}
        for index, table in enumerate(raw, start=1):
            rule = self.rule(table, index)
            if rule is None:
                continue
            if rule.id in first_seen:
                self.report(f"duplicate rule id (rule #{first_seen[rule.id]} has it too)", _Where(rule.id))
                continue
            first_seen[rule.id] = index
            rules.append(rule)
        return tuple(rules)

    def rule(self, table: dict[str, Any], index: int) -> Rule | None:
        before = len(self.problems)
        rule_id = self.text(table, "id", _Where(position=index), required=True)
        where = _Where(rule_id) if rule_id else _Where(position=index)
        if rule_id is not None and not _is_stable_id(rule_id):
            self.report("the id must be lowercase letters and digits joined by hyphens", where)
        for name in sorted(set(table) - _RULE_FIELDS):
            self.report(f"unknown field '{clipped(name)}' (expected one of {', '.join(sorted(_RULE_FIELDS))})", where)
        reason = self.text(table, "reason", where, required=True)
        advice = self.text(table, "advice", where) or ""
        sources = self.members(table, "sources", Source, where)
        uses = self.members(table, "uses", Use, where)
        conditions = frozenset(self.members(table, "when", Condition, where, allow_all=False) or ())
        verdict = self.member(table, "verdict", Verdict, where)
        checkout = self.member(table, "checkout", Outcome, where)
        terms = self.terms_answer(table, where)
        tier = self.member(table, "tier", AdviceTier, where) or AdviceTier.SPECIFIC
        any_merchant = table.get("any_merchant", False)
        if not isinstance(any_merchant, bool):
            self.report("'any_merchant' must be true or false", where)
        narrows = table.get("narrows", False)
        if not isinstance(narrows, bool):
            self.report("'narrows' must be true or false", where)
        self.check_placeholders("reason", reason or "", where)
        self.check_placeholders("advice", advice, where)
        use_list = tuple(Use) if uses is None else tuple(uses)
        if len(self.problems) == before:  # on a malformed rule these checks would only echo the first problem
            stages = stages_of(conditions, checkout, terms, narrows is True)
            self.check_meaning(
                table, where, uses=use_list, verdict=verdict, conditions=conditions, stages=stages, checkout=checkout,
                terms=terms,
            )
        kind = self.text(table, "kind", where) or "custom"
        guide = self.text(table, "guide", where) or ""
        if len(self.problems) > before or rule_id is None or reason is None:
            return None
        return Rule(
            id=rule_id,
            reason=reason,
            advice=advice,
            sources=None if sources is None else frozenset(sources),
            uses=use_list,
            verdict=verdict,
            conditions=conditions,
            checkout=checkout,
            terms=terms,
            narrows=narrows is True,
            any_merchant=any_merchant is True,
            tier=tier,
            kind=kind,
            guide=guide,
            origin=self.origin,
        )

    def check_meaning(
        self,
        table: Mapping[str, Any],
        where: _Where,
        *,
        uses: tuple[Use, ...],
        verdict: Verdict | None,
        conditions: frozenset[Condition],
        stages: list[Stage],
        checkout: Outcome | None,
        terms: TermsSay | None,
    ) -> None:
        """The rules about rules: the combinations the evaluation could not honour."""
        if uses and "verdict" not in table:
            self.report("missing required field 'verdict' (the rule decides uses)", where)
        if not uses and "verdict" in table:
            self.report("has a verdict but decides no use: add 'uses' or remove 'verdict'", where)
        if not uses and not str(table.get("advice", "")).strip():
            self.report("decides no use and gives no advice", where)
        for field, stage in (("checkout", Stage.CHECKOUT), ("terms", Stage.TERMS), ("narrows", Stage.NARROWING)):
            if not uses and stage in stages:
                self.report(f"a rule with '{field}' must decide at least one use", where)
        if uses:
            for condition in sorted(conditions & ADVICE_ONLY_CONDITIONS):
                self.report(f"'{condition}' depends on the verdicts, so only advice may use it", where)
        if uses and len(stages) > 1:
            named = " and ".join(stage.value for stage in stages)
            self.report(f"a rule is applied in one stage only, but this one is both {named}", where)
            return  # what each stage demands of the verdict would only echo this
        if verdict is None or not uses:
            return
        if Stage.EXPIRED in stages and verdict is not Verdict.NO:
            self.report("a rule for expired credits must decide 'no': the balance is forfeited", where)
        if Stage.SPENT in stages and verdict is not Verdict.NO:
            self.report("a rule for a credit with nothing left must decide 'no': there is nothing to spend", where)
        if checkout in (Outcome.NOT_OFFERED, Outcome.GRAYED_OUT) and verdict is not Verdict.NO:
            self.report(f"a '{checkout}' checkout must decide 'no': the checkout has the last word", where)
        if checkout is Outcome.OFFERED and verdict in _PERMISSIVE:
            self.report("an 'offered' checkout may not promise 'yes' or 'likely': it may be temporary", where)
        if terms is TermsSay.FORBID and verdict is not Verdict.NO:
            self.report("a rule for terms that forbid a use must decide 'no': the terms are the final word", where)
        if terms is TermsSay.ALLOW and verdict not in _PERMISSIVE:
            self.report("a rule for terms that allow a use must decide 'yes' or 'likely'", where)
        if Stage.REGION in stages and verdict is not Verdict.CHECK_TERMS:
            self.report("a rule for other regions must decide 'check_terms'", where)

    def members(
        self, table: Mapping[str, Any], name: str, kind: type[_Word], where: _Where, *, allow_all: bool = True
    ) -> list[_Word] | None:
        """A list of vocabulary words; None stands for "all"."""
        value = table.get(name, ALL if allow_all else [])
        if allow_all and value == ALL:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            expected = f'"{ALL}" or a list' if allow_all else "a list"
            self.report(f"'{name}' must be {expected} of words, not {_shown(value)}", where)
            return []
        words = []
        singular = {"sources": "source", "uses": "use", "when": "condition"}.get(name, name)
        for item in value:
            try:
                words.append(kind(item))
            except ValueError:
                self.report(f"unknown {singular} '{clipped(item)}' (expected one of {_choices(kind)})", where)
        return words

    def member(self, table: Mapping[str, Any], name: str, kind: type[_Word], where: _Where) -> _Word | None:
        value = table.get(name)
        if value is None:
            return None
        # Only a text is looked up: the enum's own error would repr any value, however deeply nested.
        if isinstance(value, str) and value in {member.value for member in kind}:
            return kind(value)
        self.report(f"unknown {name} {_shown(value)} (expected one of {_choices(kind)})", where)
        return None

    def terms_answer(self, table: Mapping[str, Any], where: _Where) -> TermsSay | None:
        """What the terms must say for the rule to apply: allow or forbid (silent terms leave the rules to decide)."""
        answer = self.member(table, "terms", TermsSay, where)
        if answer is TermsSay.SILENT:
            self.report("'terms' must be allow or forbid: where the terms are silent, the other rules decide", where)
            return None
        return answer

    def check_placeholders(self, name: str, text: str, where: _Where) -> None:
        for problem in placeholder_problems(text):
            self.report(f"'{name}' {problem}", where)

    def default(self, raw: Any) -> DefaultRule | None:
        if not isinstance(raw, dict):
            self.report("'default' must be a table")
            return None
        rule_id = self.text(raw, "id", required=True) or "default"
        where = _Where(rule_id)
        for name in sorted(set(raw) - _DEFAULT_FIELDS):
            self.report(f"unknown field '{clipped(name)}' in [default]", where)
        reason = self.text(raw, "reason", where, required=True)
        advice = self.text(raw, "advice", where) or ""
        tier = self.member(raw, "tier", AdviceTier, where) or AdviceTier.SPECIFIC
        self.check_placeholders("reason", reason or "", where)
        self.check_placeholders("advice", advice, where)
        table = raw.get("verdicts")
        if not isinstance(table, dict):
            self.report("missing required table [default.verdicts]", where)
            return None
        for name in sorted(set(table) - {use.value for use in Use}):
            self.report(f"unknown use '{clipped(name)}' (expected one of {_choices(Use)})", where)
        verdicts: dict[Use, Verdict] = {}
        for use in Use:
            if use.value not in table:
                self.report(f"[default.verdicts] has no verdict for '{use}'", where)
                continue
            verdict = self.member(table, use.value, Verdict, where)
            if verdict is not None:
                verdicts[use] = verdict
        reasons = self.default_reasons(raw.get("reasons", {}), where)
        if reason is None or len(verdicts) != len(Use):
            return None
        guide = self.text(raw, "guide", where) or ""
        return DefaultRule(rule_id, reason, verdicts, advice, tier, guide, self.origin, reasons)

    def default_reasons(self, raw: Any, where: _Where) -> dict[Verdict, str]:
        """`[default.reasons]`: a reason per verdict, each checked like any reason."""
        if not isinstance(raw, dict):
            self.report("'reasons' must be a table of verdict = \"reason\"", where)
            return {}
        reasons: dict[Verdict, str] = {}
        for name in raw:
            verdict = self.member({"verdict": name}, "verdict", Verdict, where)
            text = self.text(raw, name, where, required=True)
            if verdict is None or text is None:
                continue
            self.check_placeholders(f"reasons.{verdict}", text, where)
            reasons[verdict] = text
        return reasons

    def large_balance(self, raw: Any) -> dict[str, Decimal]:
        if not isinstance(raw, dict):
            self.report("'large_balance' must be a table of currency = \"amount\"")
            return {}
        thresholds: dict[str, Decimal] = {}
        for currency, amount in raw.items():
            if currency not in known_currencies():
                self.report(f"large_balance: unknown currency code '{clipped(currency)}'")
                continue
            try:
                if isinstance(amount, bool) or not isinstance(amount, str | int):
                    raise MoneyError("not text")
                # The ledger's own rule for amounts: plain digits, the currency's decimals, a sane size.
                thresholds[currency] = parse_amount(str(amount), currency)
            except MoneyError:
                self.report(f'large_balance: {currency} must be a positive amount written as text, like "100.00"')
        return thresholds


def _is_stable_id(rule_id: str) -> bool:
    parts = rule_id.split("-")
    return all(part and part.isascii() and part.isalnum() and part == part.lower() for part in parts)


def _shown(value: object) -> str:
    """A value as a message shows it: short, and never the repr of a nested list or table."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return clipped(repr(value))
