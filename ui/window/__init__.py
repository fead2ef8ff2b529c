"""The main window: the credit table, the detail panel, the overview, menus and the staged start."""
