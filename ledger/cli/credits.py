"""Subcommands on credits: add, list, show, spend, refund, check, terms, archive, delete.

Handlers import what they use when they run (see `ledger.cli`): registering the subcommands,
and `--help`, load nothing but the vocabularies.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ledger.cli import PROG, Context, Handler, add_command, credit_id, day_count, iso_date, json_option
from ledger.errors import LedgerError
from ledger.money import format_money
from ledger.vocab import CHECKOUT_USES, Outcome, Source, Status, TermsSay, Use

if TYPE_CHECKING:
    from ledger.storage.rows import CreditRecord
    from ledger.storage.store import CreditDetail

# How `show` and `terms` put what the terms say about a use.
_SAYS = {TermsSay.ALLOW: "allow", TermsSay.FORBID: "forbid", TermsSay.SILENT: "say nothing about"}


def _detail_json(context: Context, detail: CreditDetail) -> None:
    from ledger.cli.report import detail_json

    context.print_json(detail_json(detail, context.evaluate(detail)))


def _categories(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def use_list(text: str) -> list[str]:
    """An argparse type: uses separated by commas ("amazon_gift_cards,transfer"), each one the CLI knows."""
    uses = [part.strip() for part in text.split(",") if part.strip()]
    known = [use.value for use in Use]
    for use in uses:
        if use not in known:
            raise argparse.ArgumentTypeError(f"unknown use {use!r:.40}: expected one of {', '.join(known)}")
    if not uses:
        raise argparse.ArgumentTypeError(f"name at least one use: {', '.join(known)}")
    return uses


def _terms_by_use(allowed: list[str], forbidden: list[str]) -> dict[str, str]:
    both = [use for use in allowed if use in forbidden]
    if both:
        raise LedgerError(
            f"{both[0]} is given to both --terms-allow and --terms-forbid: the terms say one or the other"
        )
    return {use: TermsSay.ALLOW.value for use in allowed} | {use: TermsSay.FORBID.value for use in forbidden}


def cmd_add(args: argparse.Namespace, context: Context) -> int:
    from ledger.validation import NewCredit, credit_fields

    new = NewCredit(
        source=args.source,
        currency=args.currency,
        amount=args.amount,
        merchant=args.merchant,
        region=args.region,
        title=args.title,
        received_on=args.received,
        expires_on=args.expires,
        reference=args.reference,
        categories=_categories(args.categories),
        terms=args.terms,
        terms_by_use=_terms_by_use(args.terms_allow or [], args.terms_forbid or []),
    )
    from ledger.storage.lookalikes import add_cautions

    credit_fields(new, context.today)  # refuse bad input before the ledger file is even created
    ledger = context.ledger
    # Asked before adding (the new credit would look like itself), said after: a refused add says one line only.
    cautions = add_cautions(ledger, new, context.today)
    new_id = ledger.add_credit(new, context.today)
    for caution in cautions:
        print(f"{PROG}: warning: credit {new_id} added, but {caution}", file=context.err)
    detail = ledger.detail(new_id, context.today)
    if args.json:
        _detail_json(context, detail)
    else:
        credit = detail.credit
        print(
            f"Added credit {new_id}: {format_money(detail.balance, credit.currency)} {credit.source}", file=context.out
        )
    return 0


def cmd_list(args: argparse.Namespace, context: Context) -> int:
    status = Status(args.status) if args.status else None
    if args.json:
        from ledger.cli.report import list_json, list_json_text
        from ledger.rules.verdict_cache import VerdictCache

        listed = context.ledger.judged_summaries(context.today, status=status, expiring_within=args.expiring_within)
        verdicts = VerdictCache(context.today, context.rulebook)
        if context.pretty:
            context.print_json(list_json(listed, verdicts))
        else:
            # The text print_json would write, written directly: thousands of credits print faster.
            context.out.write(list_json_text(listed, verdicts) + "\n")
        return 0
    summaries = context.ledger.summaries(context.today, status=status, expiring_within=args.expiring_within)
    if not summaries:
        if args.status or args.expiring_within is not None:
            print("No credits match.", file=context.out)
        else:
            print(
                "No credits yet. Add one with: credit-ledger add --source gift_card --amount 25 --currency USD",
                file=context.out,
            )
        return 0
    header = (
        f"{'ID':>5}  {'Merchant':<12} {'Title':<24} {'Source':<13} {'Balance':>12} {'Expires':<10} {'Days':>5}  Status"
    )
    print(header, file=context.out)
    for s in summaries:
        expires = s.expires_on.isoformat() if s.expires_on else "-"
        days = "" if s.days_left is None else str(s.days_left)
        print(
            f"{s.id:>5}  {s.merchant[:12]:<12} {s.title[:24]:<24} {s.source:<13} "
            f"{format_money(s.balance, s.currency):>12} {expires:<10} {days:>5}  {s.status.value}",
            file=context.out,
        )
    return 0


def _revealed_code(args: argparse.Namespace, context: Context) -> str | None:
    """The credit's claim code in the clear (None when it has none), unlocking the vault (keyring or passphrase)."""
    from ledger.cli.passphrases import cli_asker
    from ledger.vault.codes import stored_code
    from ledger.vault.ledger_key import unlock

    uid, sealed = stored_code(context.ledger, args.id)
    if sealed is None:
        return None
    return unlock(context.ledger, cli_asker(context)).open_code(sealed, uid)


def cmd_show(args: argparse.Namespace, context: Context) -> int:
    detail = context.ledger.detail(args.id, context.today)
    code = _revealed_code(args, context) if args.reveal_code else None
    if args.json:
        from ledger.cli.report import detail_json

        shown = detail_json(detail, context.evaluate(detail))
        if args.reveal_code:
            shown["claim_code"] = code
        context.print_json(shown)
        return 0
    from ledger.cli.report import entry_json
    from ledger.rules.eligibility import rules_changed_text

    credit = detail.credit
    out = context.out
    print(f"Credit {credit.id}: {credit.title or credit.source} ({credit.merchant} {credit.region})", file=out)
    print(f"  Source:   {credit.source}", file=out)
    print(
        f"  Balance:  {format_money(detail.balance, credit.currency)} of "
        f"{format_money(detail.amount, credit.currency)}",
        file=out,
    )
    expiry = credit.expires_on.isoformat() if credit.expires_on else "no expiry date"
    days = "" if detail.days_left is None else f" ({detail.days_left} days left)"
    print(f"  Expires:  {expiry}{days}", file=out)
    print(f"  Status:   {detail.status.value}", file=out)
    if credit.reference:
        print(f"  Reference: {credit.reference}", file=out)
    if code is not None:
        print(f"  Claim code: {code}", file=out)
    elif credit.claim_code_sealed is not None:
        print(f"  Claim code: kept encrypted (show it with: credit-ledger show {credit.id} --reveal-code)", file=out)
    recorded = _recorded_terms(credit)
    if recorded:
        print(f"  Its terms: {recorded}", file=out)
    print("  History:", file=out)
    for entry in detail.entries:
        row = entry_json(entry, credit.currency)
        print(f"    {row['on']}  {row['kind']:<8} {row['amount']:>12}  {row['note']}", file=out)
    evaluation = context.evaluate(detail)
    print("  What it can be used for:", file=out)
    print(f"  {evaluation.basis}", file=out)
    changed = rules_changed_text(evaluation)
    if changed:
        print(f"  {changed}", file=out)
    for answer in evaluation.verdicts:
        print(f"    {answer.use.value:<24} {answer.verdict.value:<12} {answer.reason}", file=out)
    if evaluation.advice:
        print("  Advice:", file=out)
        for advice in evaluation.advice:
            print(f"    - {advice.text}", file=out)
    return 0


def _movement(kind: str) -> Handler:
    def handler(args: argparse.Namespace, context: Context) -> int:
        ledger = context.ledger
        move = ledger.spend if kind == "spend" else ledger.refund
        move(args.id, args.amount, context.today, on=args.on, note=args.note)
        detail = ledger.detail(args.id, context.today)
        if args.json:
            _detail_json(context, detail)
        else:
            balance = format_money(detail.balance, detail.credit.currency)
            print(f"Recorded {kind} on credit {args.id}; balance now {balance}", file=context.out)
        return 0

    return handler


def cmd_check(args: argparse.Namespace, context: Context) -> int:
    ledger = context.ledger
    ledger.record_check(args.id, args.use, args.outcome)
    detail = ledger.detail(args.id, context.today)
    if args.json:
        _detail_json(context, detail)
    else:
        print(
            f"Recorded for credit {args.id}: {args.use} was {args.outcome.replace('_', ' ')} at checkout",
            file=context.out,
        )
    return 0


def _recorded_terms(credit: CreditRecord) -> str:
    """What the user recorded from the credit's terms, as one line: "forbid amazon_gift_cards; allow transfer"."""
    return "; ".join(f"{_SAYS[TermsSay(said)]} {use}" for use, said in credit.terms_by_use.items() if said in _SAYS)


def cmd_terms(args: argparse.Namespace, context: Context) -> int:
    from ledger.rules.terms_reading import read_terms
    from ledger.storage.editing import record_terms

    ledger = context.ledger
    if args.use is not None and args.says is None:
        raise LedgerError(f"say what the terms say about {args.use}: allow, forbid or silent")
    changed = args.use is not None and record_terms(ledger, args.id, args.use, args.says)
    detail = ledger.detail(args.id, context.today)
    if args.json:
        _detail_json(context, detail)
        return 0
    out = context.out
    credit = detail.credit
    if args.use is not None:
        said = "its terms say nothing about" if args.says == TermsSay.SILENT else f"its terms {args.says}"
        verb = "Recorded" if changed else "Already recorded"
        print(f"{verb} for credit {args.id}: {said} {args.use}", file=out)
        return 0
    print(f"What the terms of credit {args.id} say, as recorded:", file=out)
    for use in Use:
        said = TermsSay(credit.terms_by_use.get(use.value, TermsSay.SILENT))
        print(f"  {use.value:<24} {said.value}", file=out)
    hints = [hint for use, hint in read_terms(credit.terms).items() if credit.terms_by_use.get(use.value) != hint.says]
    if hints:
        # Suggestions only: the app decides nothing from the text until the user records it.
        how = f"credit-ledger terms {args.id} USE allow|forbid|silent"
        print(f"Their text seems to say (only a suggestion; record it with: {how}):", file=out)
        for hint in hints:
            print(f"  {hint.use.value:<24} {hint.says.value:<7} “{hint.quote}”", file=out)
    return 0


def _archiving(archived: bool) -> Handler:
    verb = "Archived" if archived else "Unarchived"

    def handler(args: argparse.Namespace, context: Context) -> int:
        changed = context.ledger.set_archived(args.id, archived)
        detail = context.ledger.detail(args.id, context.today)
        if args.json:
            _detail_json(context, detail)
        elif changed:
            print(f"{verb} credit {args.id}", file=context.out)
        else:
            print(f"Credit {args.id} was already {verb.lower()}; nothing changed", file=context.out)
        return 0

    return handler


def cmd_delete(args: argparse.Namespace, context: Context) -> int:
    ledger = context.ledger
    detail = ledger.detail(args.id, context.today)
    if not args.yes:
        credit = detail.credit
        balance = format_money(detail.balance, credit.currency)
        what = f"credit {credit.id} ({credit.merchant} {credit.source}, balance {balance})"
        print(
            f"Delete {what} and its whole history? This cannot be undone. [y/N] ", end="", file=context.err, flush=True
        )
        answer = context.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            raise LedgerError("not deleted: confirm with 'y', or pass --yes")
    ledger.delete(args.id)
    if args.json:
        context.print_json({"deleted": args.id})
    else:
        print(f"Deleted credit {args.id}", file=context.out)
    return 0


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    """Add the credit subcommands to the command line."""
    add = add_command(subparsers, parent, "add", cmd_add, "record a new credit", creates_ledger=True)
    add.add_argument("--source", required=True, choices=[s.value for s in Source])
    add.add_argument("--amount", required=True, help="the amount received, e.g. 25.00")
    add.add_argument("--currency", required=True, help="ISO 4217 code, e.g. USD")
    add.add_argument("--merchant", default="Amazon")
    add.add_argument("--region", default="US", help="two-letter country code of the store (UK is taken as GB)")
    add.add_argument("--title", default="")
    add.add_argument("--received", type=iso_date, default=None, metavar="DATE")
    add.add_argument("--expires", type=iso_date, default=None, metavar="DATE")
    add.add_argument("--reference", default="", help="order number or offer name")
    add.add_argument("--categories", default="", help='eligible categories, comma separated: "Books,Toys"')
    add.add_argument("--terms", default="", help="the fine print")
    add.add_argument(
        "--terms-allow", type=use_list, metavar="USES", help='uses its terms allow, comma separated: "transfer"'
    )
    add.add_argument(
        "--terms-forbid",
        type=use_list,
        metavar="USES",
        help='uses its terms forbid, comma separated: "amazon_gift_cards,third_party_gift_cards"',
    )
    json_option(add)

    lister = add_command(subparsers, parent, "list", cmd_list, "list credits")
    lister.add_argument("--status", choices=[s.value for s in Status])
    lister.add_argument("--expiring-within", type=day_count, metavar="DAYS")
    json_option(lister)

    show = add_command(subparsers, parent, "show", cmd_show, "show a credit, its history and what it can be used for")
    show.add_argument("id", type=credit_id)
    show.add_argument(
        "--reveal-code",
        action="store_true",
        help="print the claim code too (unlocked with the keyring, or the passphrase asked for)",
    )
    json_option(show)

    for kind, text in (("spend", "record a purchase paid with a credit"), ("refund", "put money back onto a credit")):
        move = add_command(subparsers, parent, kind, _movement(kind), text)
        move.add_argument("id", type=credit_id)
        move.add_argument("amount")
        move.add_argument("--on", type=iso_date, default=None, metavar="DATE")
        move.add_argument("--note", default="")
        json_option(move)

    check = add_command(subparsers, parent, "check", cmd_check, "record what checkout offered for a use")
    check.add_argument("id", type=credit_id)
    check.add_argument("use", choices=[u.value for u in CHECKOUT_USES])
    check.add_argument("outcome", choices=[o.value for o in Outcome])
    json_option(check)

    terms = add_command(
        subparsers, parent, "terms", cmd_terms, "show or record what a credit's own terms say about a use"
    )
    terms.add_argument("id", type=credit_id)
    terms.add_argument("use", nargs="?", choices=[u.value for u in Use], help="the use the terms speak about")
    terms.add_argument(
        "says", nargs="?", choices=[t.value for t in TermsSay], help="allow, forbid, or silent (nothing recorded)"
    )
    json_option(terms)

    for name, archived, text in (
        ("archive", True, "archive a credit (its history stays)"),
        ("unarchive", False, "bring an archived credit back"),
    ):
        archiving = add_command(subparsers, parent, name, _archiving(archived), text)
        archiving.add_argument("id", type=credit_id)
        json_option(archiving)

    delete = add_command(subparsers, parent, "delete", cmd_delete, "delete a credit and its history")
    delete.add_argument("id", type=credit_id)
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    json_option(delete)
