"""The Help panel (F1): the kinds of credit in plain words, what the verdicts mean, reminders (also without
the app running), importing and exporting, backups, where the data lives, and the shortcuts."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import QTextBrowser, QWidget

# The cron line and the systemd units are README.md's ("Installing it like any other desktop app"); a test
# keeps the two the same.
CRON_LINE = "0 * * * *  DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$(id -u)/bus credit-ledger remind --once"
SYSTEMD_UNITS = """# ~/.config/systemd/user/credit-ledger-remind.service
[Unit]
Description=Credit Ledger reminders

[Service]
Type=oneshot
ExecStart=%h/.local/bin/credit-ledger remind --once

# ~/.config/systemd/user/credit-ledger-remind.timer
[Unit]
Description=Credit Ledger reminders, hourly

[Timer]
OnCalendar=hourly
Persistent=true

[Install]
WantedBy=timers.target"""
SYSTEMD_ENABLE = "systemctl --user daemon-reload && systemctl --user enable --now credit-ledger-remind.timer"
FOLDER = "{folder}"  # replaced by this system's data folder when the panel is built

_TEMPLATE = """
<h2>Kinds of credit</h2>
<p><b>Gift card.</b> A gift card you redeemed to your account. It works like money for most things
the store sells itself. Whether it can buy <i>other</i> gift cards depends on the store's current rules.</p>
<p><b>Refund.</b> Money the store put back on your account instead of your card. It usually works like a
gift card balance.</p>
<p><b>Return credit.</b> What you got for sending something back. It usually works like a gift card
balance too, but check its terms.</p>
<p><b>Promotional.</b> A bonus such as “get $10 when you buy X”. It is almost always limited to some
categories, usually expires, and cannot buy gift cards. Write its eligible categories down.</p>
<p><b>Rewards.</b> Points, survey thank-yous or other rewards turned into credit (from a card, a
trade-in, a customer survey…). Read the program's terms: they vary.</p>
<p><b>Other.</b> Anything else, such as a goodwill credit. When the terms are unclear, the app is
cautious.</p>

<h2>What the verdicts mean</h2>
<ul>
<li>✔ <b>Yes</b>: this use is allowed.</li>
<li>✔ <b>Likely</b>: it normally works.</li>
<li>? <b>Check the terms</b>: it depends on the fine print or the store's current policy.</li>
<li>! <b>Unlikely</b>: it normally does not work.</li>
<li>✖ <b>No</b>: it does not work.</li>
</ul>
<p>A credit's own terms are the final word on it. Record what they say about each use when you add or
edit the credit (<i>What the terms say about each use</i>): “Allow” or “Forbid” then beats the general
rules for its kind of credit. The app may <i>suggest</i> a choice from phrases in the terms you pasted,
such as “not valid for gift cards”, but only what you record counts.</p>
<p>What you saw at checkout beats any rule. If checkout did not offer your credit, or showed it
grayed out, press the matching button under <i>I tried at checkout</i> and the answer becomes “No”.
“Offered” never turns a caution into a promise: it may be temporary. When an answer is “Check the
terms” and you have not tried yet, the advice says so: that test is the quickest way to know.</p>
<p>Credit cannot be turned into cash or given to someone else. An expired credit is lost:
use it before the date shown in <i>Days left</i>.</p>

<h2>Reminders</h2>
<p>Credit Ledger reminds you 30, 7 and 1 days before a credit expires, at 09:00. <i>Edit → Settings</i>
changes the days and the time, turns desktop notifications off, pauses every reminder and sends a test
notification. A reminder in a credit's last week stays on screen until you dismiss it.</p>
<p>Click a reminder to see its credit in the window. Where your desktop shows buttons on notifications,
<b>Snooze a day</b> reminds you again tomorrow and <b>Mute</b> stops the reminders of that credit. In the
window, <i>Edit → Snooze reminders…</i> and <i>Mute reminders</i> act on the selected credit.</p>
<p>Closing the window keeps Credit Ledger running in the tray (where your desktop has one), so reminders
still come; its icon counts the credits expiring soon, and its menu has <b>Check now</b>,
<b>Pause reminders</b> and <b>Quit</b>. <i>File → Quit</i> (Ctrl+Q) ends the app too.</p>
<p><b>Reminders without the app running.</b> The command <code>credit-ledger remind --once</code> shows the
reminders due now and exits; the app and the command never show the same reminder twice. Run it every
hour from cron (<code>crontab -e</code>), telling it where your desktop's session bus is:</p>
<pre style="white-space: pre-wrap">{cron}</pre>
<p>or with a systemd user timer, which knows the session bus already: write these two files,</p>
<pre style="white-space: pre-wrap">{units}</pre>
<p>then run <code>{enable}</code>.</p>

<h2>Importing and exporting</h2>
<p><i>File → Import…</i> (Ctrl+I) reads credits from a CSV file, showing every row and every problem
before anything is written, or a whole ledger from a JSON export. <i>File → Export…</i> (Ctrl+E) writes
CSV for a spreadsheet, JSON with everything (to move to another computer; claim codes go along only
sealed with a passphrase you choose), or a calendar file (.ics) with an event and alarms for each
expiry date. On the command line: <code>credit-ledger import FILE</code> and
<code>credit-ledger export --format csv|json|ics -o FILE</code>.</p>

<h2>Backups</h2>
<p>A backup is made each day Credit Ledger starts (once it has credits), and before every upgrade, import
and restore; the 10 most recent are kept (<i>Edit → Settings</i> changes how many). <i>File → Back up
now</i> makes one; <i>File → Backups and restore…</i> lists them and puts one back, after backing up the
ledger as it is. A damaged ledger is never overwritten: the app offers the newest good backup.</p>

<h2>Where your data lives</h2>
<p>Your ledger is one file, <code>ledger.sqlite3</code>, in <code>{folder}</code>, readable by you alone.
Its backups are in the <code>backups</code> folder beside it, your own rule files in <code>rules</code>.
<i>Help → About</i> shows the file this window has open. To keep the ledger elsewhere, start Credit
Ledger with <code>--db PATH</code> or set the environment variable <code>CREDIT_LEDGER_DB</code>.</p>

<h2>Keyboard</h2>
<table cellpadding="2">
<tr><td><b>Ctrl+N</b></td><td>Add a credit</td></tr>
<tr><td><b>Enter</b></td><td>Edit the selected credit</td></tr>
<tr><td><b>Ctrl+Shift+S / Ctrl+R</b></td><td>Spend from it / refund onto it</td></tr>
<tr><td><b>Del</b></td><td>Archive it (again to unarchive)</td></tr>
<tr><td><b>Shift+Del</b></td><td>Delete it (asks first)</td></tr>
<tr><td><b>Ctrl+Z</b></td><td>Undo an archive or delete</td></tr>
<tr><td><b>Ctrl+F</b></td><td>Search (Esc clears it; Esc again goes back to the table)</td></tr>
<tr><td><b>Shift+F10 / Menu key</b></td><td>The selected credit's actions (also a right click on its row)</td></tr>
<tr><td><b>F5</b></td><td>Reload (changes made by other programs also show by themselves)</td></tr>
<tr><td><b>Ctrl+I / Ctrl+E</b></td><td>Import / export</td></tr>
<tr><td><b>Ctrl+1 / Ctrl+2</b></td><td>Credits / Overview</td></tr>
<tr><td><b>F1</b></td><td>This help</td></tr>
<tr><td><b>Ctrl+Q</b></td><td>Quit</td></tr>
</table>
"""


HELP_HTML = (
    _TEMPLATE.replace("{cron}", html.escape(CRON_LINE))
    .replace("{units}", html.escape(SYSTEMD_UNITS))
    .replace("{enable}", html.escape(SYSTEMD_ENABLE))
)


def help_html(data_folder: Path) -> str:
    """The help as shown: HELP_HTML naming this system's data folder."""
    return HELP_HTML.replace(FOLDER, html.escape(str(data_folder)))


class HelpPanel(QTextBrowser):
    """Plain-words help, shown in a side panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ledger.storage.paths import data_dir  # platformdirs: loaded when help is first asked for

        self.setObjectName("helpPanel")
        self.setAccessibleName("Help")
        self.setOpenExternalLinks(True)
        self.setHtml(help_html(data_dir()))
        self.setMinimumWidth(300)
