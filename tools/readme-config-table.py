#!/usr/bin/env python3
"""Rewrites the README's configuration table from the Setting catalogue
(worker/src/main/java/io/featurex/worker/config/Setting.java). ReadmeTest fails when they differ."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
src = (ROOT / "worker/src/main/java/io/featurex/worker/config/Setting.java").read_text()
# An entry's arguments may each sit on a line of their own, as the formatter wraps long ones.
rows = re.findall(r'^\s+[A-Z0-9_]+\(\s*"([^"]+)",\s*(null|"[^"]*"),\s*"((?:[^"\\]|\\.)*)"\s*\)', src, re.M)
lines = ["| key | flag | environment | default | meaning |", "|---|---|---|---|---|"]
for key, default, desc in rows:
    desc = desc.replace('\\"', '"')
    flag = "--" + key.replace(".", "-")
    env = "FEATUREX_" + key.upper().replace(".", "_").replace("-", "_")
    d = "(required)" if default == "null" else (default.strip('"') or "(empty)")
    lines.append(f"| `{key}` | `{flag}` | `{env}` | `{d}` | {desc} |")
readme = ROOT / "README.md"
text = readme.read_text()
start = text.index("| key | flag | environment | default | meaning |")
end = text.index("\n## ", start)
readme.write_text(text[:start] + "\n".join(lines) + "\n" + text[end:])
print(f"{len(rows)} settings")
