"""``make bench``: every benchmark, one after the other; each writes its table into bench/RESULTS.md."""

from __future__ import annotations

import sys

from bench import apply_bench, lint_bench, preview_bench


def main() -> int:
    lint_bench.main([])
    out = preview_bench.table(preview_bench.run())
    print(out)
    preview_bench.write_results(out)
    # 100, 300 and 1,000 jobs, three runs each: the longest of them (see apply_bench's docstring).
    return apply_bench.main([])


if __name__ == "__main__":
    sys.exit(main())
