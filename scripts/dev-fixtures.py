#!/usr/bin/env python3
"""Cuts tests/fixtures/dev, the small synthetic data set the tests read, out of the shared dev
set (../shared/data/dev, or the directory given), so that the repository's tests need nothing
beside it. The layout and the file names are the shared set's; the index files
(resumes.json, counterfactual.json, interviews/index.json, manifest.json) keep only the entries
whose files are copied. Run it again only to refresh the subset after the shared set changed:

    python3 scripts/dev-fixtures.py [SOURCE_DIR]

What is kept, and why:
- vacancies: all eight (small text files), and v01 and v06 also as DOCX and PDF (vacancy import);
- substance: the fluent-but-wrong scripts whose controls are kept (v01, v02, v06).
- interviews: the five scripted candidates of v01 (Russian), v02 (English) and v06 (Russian),
  with their resumes: the scripted interview check and the chat interview end to end;
- resumes: those fifteen, dev-r002 (uploaded twice in the de-duplication test) and the clean
  twins of the injection files; the profiles and matching are checked on all of them;
- injection: all eight hiding methods; bad_inputs: all thirteen broken files;
- counterfactual: four groups (PDF, DOCX, TXT; Russian and English vacancies).
Never copy from ../shared/data/real-dev: those are real people's resumes.
"""

import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "dev"
TARGET = ROOT / "tests" / "fixtures" / "dev"

SCRIPT_VACANCIES = {"dev-v01", "dev-v02", "dev-v06"}
EXTRA_RESUMES = {"dev-r002"}
COUNTERFACTUAL_GROUPS = {"dev-cf01", "dev-cf04", "dev-cf09", "dev-cf11"}


def read(name):
    return json.loads((SOURCE / name).read_text(encoding="utf-8"))


def write(name, value):
    path = TARGET / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main():
    if "real-dev" in SOURCE.resolve().parts:
        sys.exit("dev-fixtures: refusing to copy from real-dev (real people's resumes)")
    if not (SOURCE / "resumes.json").is_file():
        sys.exit(f"dev-fixtures: no shared dev set at {SOURCE} (give its directory as the argument)")

    vacancies = read("vacancies.json")
    scripts_index = read("interviews/index.json")
    scripts = [s for s in scripts_index["scripts"] if s["vacancy_id"] in SCRIPT_VACANCIES]
    injection = read("injection.json")
    bad = read("bad_inputs.json")
    cf = read("counterfactual.json")
    groups = [g for g in cf["groups"] if g["group_id"] in COUNTERFACTUAL_GROUPS]

    files = set()
    for v in vacancies["vacancies"]:
        files.update(v["files"] if v["id"] in {"dev-v01", "dev-v06"} else v["files"][:1])
    resume_files = {s["candidate_resume"] for s in scripts}
    resume_files.update(i["twin"] for i in injection["items"])
    files.update(s["file"] for s in scripts)
    files.update(i["file"] for i in injection["items"])
    files.update(i["file"] for i in bad["items"])
    # The fluent-but-wrong scripts whose control (the strong script of the same vacancy and
    # resume) is kept too.
    kept_scripts = {s["file"] for s in scripts}
    for sub in sorted((SOURCE / "substance").glob("*.json")):
        control = json.loads(sub.read_text(encoding="utf-8")).get("control")
        if control in kept_scripts:
            files.add(f"substance/{sub.name}")
    files.add("substance/README.md")
    files.update(m["file"] for g in groups for m in g["members"])

    resumes = read("resumes.json")
    kept = [r for r in resumes["resumes"] if r["file"] in resume_files or r["id"] in EXTRA_RESUMES]
    files.update(r["file"] for r in kept)
    missing_twins = resume_files - {r["file"] for r in kept}
    if missing_twins:
        sys.exit(f"dev-fixtures: resumes without ground truth: {sorted(missing_twins)}")

    # Everything but the README is the shared set's, so it is replaced as a whole.
    for old in TARGET.glob("*") if TARGET.exists() else []:
        if old.name != "README.md":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    for rel in sorted(files):
        (TARGET / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCE / rel, TARGET / rel)

    resumes["resumes"] = kept
    resumes.pop("label_distribution", None)
    write("resumes.json", resumes)
    for unchanged in ["vacancies.json", "injection.json", "bad_inputs.json"]:
        shutil.copyfile(SOURCE / unchanged, TARGET / unchanged)
    cf["groups"] = groups
    write("counterfactual.json", cf)
    scripts_index["scripts"] = scripts
    write("interviews/index.json", scripts_index)

    manifest = read("manifest.json")
    listed = files | {"resumes.json", "vacancies.json", "injection.json", "bad_inputs.json", "counterfactual.json", "interviews/index.json"}
    entries = []
    for rel in sorted(listed):
        data = (TARGET / rel).read_bytes()
        entries.append({"path": rel, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    counts = {}
    for rel in files:
        top = rel.split("/")[0]
        counts[top] = counts.get(top, 0) + 1
    write(
        "manifest.json",
        {
            "subset_of": f"{manifest['split']} (seed {manifest['seed']}, {manifest['generator']} {manifest['generator_version']})",
            "cut_by": "scripts/dev-fixtures.py",
            "reference_month": manifest["reference_month"],
            "synthetic": manifest["synthetic"],
            "note": manifest["note"],
            "file_counts": dict(sorted(counts.items())),
            "total_bytes": sum(e["bytes"] for e in entries),
            "files": entries,
        },
    )
    print(f"dev-fixtures: {len(files)} files, {sum(e['bytes'] for e in entries)} bytes in {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
