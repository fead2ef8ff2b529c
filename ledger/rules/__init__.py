"""Usage rules: rule files, their parsing, evaluation of a credit against them, and advice."""
