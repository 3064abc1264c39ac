"""CSV as districts export it: comma-separated, or semicolons (spreadsheets in many locales),
tabs or bars. The delimiter is read from the header line, so a semicolon roster imports instead
of being reported as missing every column."""

from __future__ import annotations

import csv
import io

DELIMITERS = ",;\t|"


def delimiter_of(text: str) -> str:
    """The delimiter the header line uses; a comma when nothing else is clear."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def dict_reader(text: str) -> csv.DictReader[str]:
    """Rows by lower-case column name, whatever the delimiter."""
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter_of(text))
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    return reader
