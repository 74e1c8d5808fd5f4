"""Run every benchmark module (`bench/bench_*.py`, each with `run() -> str`) and print one line each.

Usage, from the project root: `.venv/bin/python -m bench [name-filter ...]`.
"""

import importlib
import os
import pkgutil
import sys
import time

import django


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    package = sys.modules[__package__ or "bench"]
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("bench_") and (not argv or any(word in info.name for word in argv))
    )
    failed = 0
    for name in names:
        module = importlib.import_module(f"{package.__name__}.{name}")
        started = time.perf_counter()
        try:
            line = module.run()
        except Exception as error:  # one broken benchmark must not hide the others' figures
            failed += 1
            line = f"FAILED: {type(error).__name__}: {error}"
        print(
            f"{name.removeprefix('bench_'):<24} {line}  [{time.perf_counter() - started:.1f} s]", flush=True
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
