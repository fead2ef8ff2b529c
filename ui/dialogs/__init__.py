"""The window's dialogs: add and edit a credit, spend and refund, confirmations."""
