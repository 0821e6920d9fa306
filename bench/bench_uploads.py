"""Benchmark: what checking the worst accepted receipt image costs, per format.

A script, not a test. Run from the project root:

    .venv/bin/python bench/bench_uploads.py

For each format it makes the largest image the check accepts (one colour: the smallest file
for the most pixels, as an attacker would send), then checks it in a fresh process and
prints the time and the process's peak memory above its baseline. Prints a Markdown table.
"""

import io
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import io, json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dreame_service.settings")
os.environ.setdefault("SECRET_KEY", "bench")
import django; django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from claims import uploads
content = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    uploads.validate_receipt(SimpleUploadedFile("x", content))
    verdict = "accepted"
except Exception as error:
    verdict = getattr(error, "code", type(error).__name__)
elapsed = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"verdict": verdict, "seconds": elapsed, "peak_mb": (after - before) / 1024}))
"""


def worst(fmt: str, pixels: int) -> bytes:
    from PIL import Image
    from pillow_heif import from_pillow

    side = int(pixels**0.5)
    width, height = side, pixels // side
    buffer = io.BytesIO()
    if fmt == "HEIF":
        from_pillow(Image.new("RGB", (width, height))).save(buffer, format="HEIF")
    elif fmt == "PNG":
        Image.new("1", (width, height)).save(buffer, format="PNG")
    else:
        Image.new("RGB", (width, height)).save(buffer, format=fmt)
    return buffer.getvalue()


def main() -> None:
    from claims import uploads

    cases = [
        ("JPEG", uploads.MAX_IMAGE_PIXELS),
        ("PNG", uploads.MAX_IMAGE_PIXELS),
        ("WEBP", uploads.FULL_DECODE_MAX_PIXELS[uploads.WEBP]),
        ("HEIF", uploads.FULL_DECODE_MAX_PIXELS[uploads.HEIF]),
    ]
    print("| format | pixels | file | verdict | check time | peak memory |")
    print("|---|---|---|---|---|---|")
    for fmt, pixels in cases:
        content = worst(fmt, pixels - 1000)
        result = subprocess.run(
            [sys.executable, "-c", CHILD],
            input=content,
            capture_output=True,
            cwd=ROOT,
            check=True,
        )
        row = json.loads(result.stdout.decode().strip().splitlines()[-1])
        print(
            f"| {fmt} | {pixels / 1e6:.1f} MP | {len(content) / 1024:.0f} KB | {row['verdict']} "
            f"| {row['seconds'] * 1000:.0f} ms | +{row['peak_mb']:.0f} MB |"
        )


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dreame_service.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    main()
