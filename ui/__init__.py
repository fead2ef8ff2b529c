"""The desktop app: everything Qt lives here."""
