"""Known vulnerabilities in the locked dependencies (constraints.txt), each with its verdict from
docs/audit.md: whether it reaches this service and why.

    python scripts/audit.py PIP_AUDIT      # PIP_AUDIT: pip-audit's program (make audit installs it)

pip-audit asks each vulnerability service in turn (PyPI's JSON API, then osv.dev) about every
pinned version, without installing anything. Exit status: 0 when every package was checked and
none has a known vulnerability not assessed in docs/audit.md; 1 when one is not assessed yet; 2
when a package could not be checked by any service (offline, or the service refused), because
"no known vulnerabilities" would then be untrue.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "constraints.txt"
VERDICTS = ROOT / "docs" / "audit.md"
SERVICES = ("pypi", "osv")
# A row of docs/audit.md's findings table: | ID | package | version | reaches? | why |
VERDICT_ROW = re.compile(r"^\|\s*`?([A-Z]+-[\w-]+)`?\s*\|[^|]*\|[^|]*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|")


def ask(pip_audit: str, service: str) -> Tuple[Dict[str, dict], Dict[str, str]]:
    """(vulnerable packages by name, reasons by name for packages the service could not check)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        error = subprocess.run(
            [
                pip_audit,
                "--requirement",
                str(LOCK),
                "--no-deps",
                "--disable-pip",
                "--vulnerability-service",
                service,
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                report.name,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        ).stderr
        text = Path(report.name).read_text()
    if not text:
        return {}, {"*": f"{service}: no answer ({(error.strip().splitlines() or ['no output'])[-1]})"}
    found, skipped = {}, {}
    for package in json.loads(text)["dependencies"]:
        if package.get("skip_reason"):
            skipped[package["name"]] = f"{service}: {package['skip_reason']}"
        elif package.get("vulns"):
            found[package["name"]] = package
    return found, skipped


def verdicts() -> Dict[str, Tuple[str, str]]:
    """docs/audit.md's verdict per advisory id: (reaches?, why)."""
    rows = (VERDICT_ROW.match(line) for line in VERDICTS.read_text().splitlines())
    return {m.group(1): (m.group(2), m.group(3)) for m in rows if m}


def unchecked_by_all(skipped_by: List[Dict[str, str]]) -> Dict[str, str]:
    """The packages no service could check, with each service's reason ("*": it checked none)."""
    names = set().union(*skipped_by) - {"*"}
    if all("*" in skipped for skipped in skipped_by):
        names = {"*"}
    return {
        name: "; ".join(skipped.get(name) or skipped["*"] for skipped in skipped_by)
        for name in names
        if all(name in skipped or "*" in skipped for skipped in skipped_by)
    }


def main(pip_audit: str) -> int:
    found: Dict[str, dict] = {}
    skipped_by: List[Dict[str, str]] = []
    for service in SERVICES:
        vulnerable, skipped = ask(pip_audit, service)
        for name, package in vulnerable.items():
            merged = found.setdefault(name, {**package, "vulns": []})
            known_ids = {i for v in merged["vulns"] for i in (v["id"], *v.get("aliases", []))}
            merged["vulns"] += [
                v for v in package["vulns"] if v["id"] not in known_ids and not known_ids & set(v.get("aliases", []))
            ]
        skipped_by.append(skipped)
    unchecked = unchecked_by_all(skipped_by)
    known = verdicts()
    unassessed = 0
    for name, package in sorted(found.items()):
        for vuln in package["vulns"]:
            ids = [vuln["id"], *vuln.get("aliases", [])]
            verdict = next((known[i] for i in ids if i in known), None)
            unassessed += verdict is None
            reaches, why = verdict or ("NOT ASSESSED", "add it to docs/audit.md")
            fixed = ", ".join(vuln.get("fix_versions") or [])
            print(
                f"{name} {package['version']}  {' / '.join(ids)}  "
                f"({'fixed in ' + fixed if fixed else 'no fixed version'})\n"
                f"    reaches this service: {reaches}: {why}"
            )
    print(
        f"audit: {sum(len(p['vulns']) for p in found.values())} known vulnerabilities in "
        f"{len(found)} packages; {unassessed} not assessed in docs/audit.md"
    )
    if unchecked:
        count = "every package" if "*" in unchecked else f"{len(unchecked)} packages"
        example = next(iter(sorted(unchecked.items())))
        print(
            f"audit: {count} could not be checked by any service ({', '.join(SERVICES)}), so an "
            f"empty list is not a clean bill (docs/audit.md); e.g. {example[0]}: {example[1]}",
            file=sys.stderr,
        )
        return 2
    return 1 if unassessed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
