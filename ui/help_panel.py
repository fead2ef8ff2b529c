"""The Help panel (F1): the kinds of credit in plain words, what the verdicts mean, and the shortcuts."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QWidget

HELP_HTML = """
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

<h2>Keyboard</h2>
<table cellpadding="2">
<tr><td><b>Ctrl+N</b></td><td>Add a credit</td></tr>
<tr><td><b>Enter</b></td><td>Edit the selected credit</td></tr>
<tr><td><b>Ctrl+Shift+S / Ctrl+R</b></td><td>Spend from it / refund onto it</td></tr>
<tr><td><b>Del</b></td><td>Archive it (again to unarchive)</td></tr>
<tr><td><b>Shift+Del</b></td><td>Delete it (asks first)</td></tr>
<tr><td><b>Ctrl+Z</b></td><td>Undo an archive or delete</td></tr>
<tr><td><b>Ctrl+F</b></td><td>Search</td></tr>
<tr><td><b>Ctrl+1 / Ctrl+2</b></td><td>Credits / Overview</td></tr>
<tr><td><b>F1</b></td><td>This help</td></tr>
<tr><td><b>Ctrl+Q</b></td><td>Quit</td></tr>
</table>
"""


class HelpPanel(QTextBrowser):
    """Plain-words help, shown in a side panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpPanel")
        self.setAccessibleName("Help")
        self.setOpenExternalLinks(True)
        self.setHtml(HELP_HTML)
        self.setMinimumWidth(300)
