#!/usr/bin/env python3
"""Checks that a letter's PDF says exactly what its Markdown says.

Usage: compare_text.py LETTER.md LETTER.pdf

Both sides are reduced to their visible characters without whitespace (the PDF's line breaks
and the Markdown's markup differ; the words must not). Markdown: front matter dropped, block
markers and emphasis removed, backslash escapes resolved, ordered lists numbered as a reader
sees them. PDF (via pdftotext): the running header and the "Page i of n" footers removed,
bullet glyphs removed. Exits 1 with the first difference shown.
"""
import re
import subprocess
import sys
import tomllib


def markdown_text(md: str) -> tuple[str, str]:
    header = ""
    if md.startswith("+++\n"):
        end = md.index("\n+++", 4)
        front = md[4:end]
        header = tomllib.loads(front).get("header", "")
        md = md[end + 4:]
    out = []
    counter = 0
    for line in md.splitlines():
        m = re.match(r"^(\s*)\d+\.\s+(.*)$", line)
        if m:
            counter += 1
            line = f"{counter}. {m.group(2)}"
        else:
            counter = 0
            line = re.sub(r"^\s*#{1,6}\s+", "", line)
            # The typesetter draws top-level bullets as "•" (removed from the PDF side below)
            # and nested ones as "–", which stays in the extracted text.
            line = re.sub(r"^\s+[-*+]\s+", "–", line)
            line = re.sub(r"^[-*+]\s+", "", line)
            line = re.sub(r"^\s*>\s?", "", line)
            if re.fullmatch(r"\s*(---|\*\*\*|___)\s*", line):
                line = ""
        if line.endswith("\\") and not line.endswith("\\\\"):
            line = line[:-1]
        # Resolve escapes, protecting escaped characters from markup removal.
        protected = []

        def keep(m):
            protected.append(m.group(1))
            return f"\x00{len(protected) - 1}\x00"

        line = re.sub(r"\\([!-/:-@\[-`{-~])", keep, line)
        line = line.replace("**", "").replace("*", "").replace("__", "")
        line = re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], line)
        out.append(line)
    return "".join(re.sub(r"\s+", "", l) for l in out), header


def pdf_text(pdf: str, header: str) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], check=True, capture_output=True, text=True).stdout
    text = re.sub(r"Page \d+ of \d+", "", text)
    if header:
        text = text.replace(header, "")
    text = text.replace("•", "").replace("\f", "")
    return re.sub(r"\s+", "", text)


def main() -> int:
    md_path, pdf_path = sys.argv[1], sys.argv[2]
    with open(md_path, encoding="utf-8") as f:
        md, header = markdown_text(f.read())
    pdf = pdf_text(pdf_path, re.sub(r"\s+", " ", header).strip())
    if md == pdf:
        return 0
    i = next((k for k in range(min(len(md), len(pdf))) if md[k] != pdf[k]), min(len(md), len(pdf)))
    print(f"{pdf_path}: text differs from {md_path} at character {i}:")
    print(f"  markdown: …{md[max(0, i - 60):i + 60]}…")
    print(f"  pdf:      …{pdf[max(0, i - 60):i + 60]}…")
    return 1


if __name__ == "__main__":
    sys.exit(main())
