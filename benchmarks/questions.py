"""Plain-language questions over the bundled corpus: how many paperbot answers right, per intent.

    python benchmarks/questions.py [--split dev|test] [--failures]

Reads `tests/questions/questions.toml` and `questions_more.toml` (columns dev/test and dev2/test2: the
second set was written later, by someone else; in the repository, so no ../shared data is needed), asks each
question with `answer_question` at the set's own `today`, grades it with `tests/questions/grading.py`
and prints accuracy per intent and split. Tuning looks at the dev split only; test is held out.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.questions.grading import SETS, run  # noqa: E402

SUFFIX = {path.stem: "" if n == 1 else str(n) for n, path in enumerate(SETS, start=1)}
"""Column suffix per question file: dev, dev2, dev3, dev4 …"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], default=None, help="one split (default: both)")
    parser.add_argument("--failures", action="store_true", help="list every wrong answer")
    args = parser.parse_args()
    started = time.perf_counter()
    graded = run(args.split)
    seconds = time.perf_counter() - started
    table: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for g in graded:
        suffix = SUFFIX[g.question["set"]]
        labelled = f"{g.question['split']}{suffix}"
        for split in (labelled, "all"):
            table[(g.question["intent"], split)].append(g.right)
            table[("ALL", split)].append(g.right)
    halves = [args.split] if args.split else ["dev", "test"]
    splits = [f"{half}{suffix}" for half in halves for suffix in SUFFIX.values()]
    splits += [] if args.split else ["all"]
    print(f"{'intent':14}" + "".join(f"{s:>15}" for s in splits))
    intents = [*sorted({i for i, _ in table} - {"ALL"}), "ALL"]
    for intent in intents:
        cells = []
        for split in splits:
            marks = table.get((intent, split), [])
            cells.append(f"{sum(marks)}/{len(marks)} {100 * sum(marks) / len(marks):4.0f}%" if marks else "-")
        print(f"{intent:14}" + "".join(f"{c:>15}" for c in cells))
    print(f"{len(graded)} questions in {seconds:.2f} s ({1000 * seconds / max(1, len(graded)):.1f} ms each)")
    if args.failures:
        for g in graded:
            if not g.right:
                q = g.question
                print(f"\n[{q['set']} {q['split']} {q['intent']}] {q['text']}\n  why: {g.why}")
                print(f"  answer: {g.answer.text[:300]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
