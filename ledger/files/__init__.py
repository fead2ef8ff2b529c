"""Data in and out: CSV, JSON and ICS files, and reading import files safely."""
