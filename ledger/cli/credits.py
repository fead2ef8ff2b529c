"""Subcommands on credits: add, list, show, spend, refund, check, archive, delete.

Handlers import what they use when they run (see `ledger.cli`): registering the subcommands,
and `--help`, load nothing but the vocabularies.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ledger.cli import Context, Handler, add_command, credit_id, day_count, iso_date, json_option
from ledger.errors import LedgerError
from ledger.money import format_money
from ledger.vocab import CHECKOUT_USES, Outcome, Source, Status

if TYPE_CHECKING:
    from ledger.storage.store import CreditDetail


def _detail_json(context: Context, detail: CreditDetail) -> None:
    from ledger.cli.report import detail_json

    context.print_json(detail_json(detail, context.evaluate(detail)))


def _categories(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


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
    )
    credit_fields(new, context.today)  # refuse bad input before the ledger file is even created
    ledger = context.ledger
    new_id = ledger.add_credit(new, context.today)
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
    summaries = context.ledger.summaries(
        context.today,
        status=Status(args.status) if args.status else None,
        expiring_within=args.expiring_within,
    )
    if args.json:
        from ledger.cli.report import summary_json
        from ledger.rules.eligibility import evaluate

        credits, checks = context.ledger.credits_with_checks()
        rulebook = context.rulebook
        context.print_json(
            [
                summary_json(
                    s,
                    evaluate(
                        credits[s.id], context.today, balance=s.balance, checks=checks.get(s.id, ()), rulebook=rulebook
                    ),
                )
                for s in summaries
            ],
        )
        return 0
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


def cmd_show(args: argparse.Namespace, context: Context) -> int:
    detail = context.ledger.detail(args.id, context.today)
    if args.json:
        _detail_json(context, detail)
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
    print("  History:", file=out)
    for entry in detail.entries:
        row = entry_json(entry, credit.currency)
        print(f"    {row['on']}  {row['kind']:<8} {row['amount']:>12}  {row['note']}", file=out)
    evaluation = context.evaluate(detail)
    print(f"  What it can be used for ({evaluation.rule_set}):", file=out)
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
    add.add_argument("--region", default="US", help="two-letter country code of the store")
    add.add_argument("--title", default="")
    add.add_argument("--received", type=iso_date, default=None, metavar="DATE")
    add.add_argument("--expires", type=iso_date, default=None, metavar="DATE")
    add.add_argument("--reference", default="", help="order number or offer name")
    add.add_argument("--categories", default="", help='eligible categories, comma separated: "Books,Toys"')
    add.add_argument("--terms", default="", help="the fine print")
    json_option(add)

    lister = add_command(subparsers, parent, "list", cmd_list, "list credits")
    lister.add_argument("--status", choices=[s.value for s in Status])
    lister.add_argument("--expiring-within", type=day_count, metavar="DAYS")
    json_option(lister)

    show = add_command(subparsers, parent, "show", cmd_show, "show a credit, its history and what it can be used for")
    show.add_argument("id", type=credit_id)
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
