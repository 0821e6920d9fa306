"""Benchmark: what checking the worst image a sender can build costs, per format and trick.

A script, not a test. Run from the project root:

    .venv/bin/python bench/bench_uploads.py [--concurrent 8]

Each case is an image built to cost as much as possible within the upload limit (the
builders are claims/tests/hostile_images.py, which the tests use too). Each goes through
`claims.uploads.validate_receipt`, as the claim form, both supplement forms and the intake
photos do. Printed per case: the verdict, the wall time of the whole check in the web
process (structure walk, the decoding child's start, the decode), and the decoding child's
CPU time and peak memory above what it started with (reported by dreame_service.kit.sandbox).

Then responsiveness: a normal-priority process repeats 20 ms of pure-Python work (a page's
worth) while N threads check the worst accepted file at once; its latency is printed next
to the same work on an idle machine. Prints Markdown.
"""

import argparse
import logging
import multiprocessing
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT = 10 * 1024 * 1024


class Usage(logging.Handler):
    """Keeps what the sandbox reports of its last child."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.last = None

    def emit(self, record):
        self.last = (record.cpu_seconds, record.peak_growth_bytes)


def random_pixels(fmt: str, side: int, **options) -> bytes:
    """Noise at the highest quality: the most data to entropy-decode per byte of file
    (each case's side is chosen so the file is just under the 10 MB limit)."""
    import io
    import random

    from PIL import Image
    from pillow_heif import from_pillow

    noise = Image.frombytes("RGB", (side, side), random.Random(17).randbytes(side * side * 3))
    buffer = io.BytesIO()
    if fmt == "HEIF":
        from_pillow(noise).save(buffer, format="HEIF", quality=100)
    else:
        noise.save(buffer, format=fmt, quality=100, **options)
    return buffer.getvalue()


def cases():
    from claims import uploads
    from claims.tests import hostile_images as h

    cap = uploads.MAX_IMAGE_PIXELS - 10_000
    side = int(cap**0.5)
    prog_side = int(uploads.PROGRESSIVE_JPEG_MAX_PIXELS**0.5) - 1
    webp_side = int(uploads.FULL_DECODE_MAX_PIXELS[uploads.WEBP] ** 0.5) - 1
    heif_side = int(uploads.FULL_DECODE_MAX_PIXELS[uploads.HEIF] ** 0.5) - 1
    yield "JPEG baseline, 60 MP one colour 4:4:4", h.one_colour("JPEG", (side, side), subsampling=0)
    yield (
        "JPEG baseline, random pixels at the size limit",
        random_pixels("JPEG", 1540, subsampling=0),
    )
    yield (
        f"JPEG progressive, {prog_side**2 / 1e6:.1f} MP 4:4:4, {uploads.MAX_JPEG_SCANS} scans",
        h.progressive_jpeg((prog_side, prog_side), scans=uploads.MAX_JPEG_SCANS),
    )
    yield (
        "JPEG progressive, the review's file: 60 MP grey, 2,000 scans",
        h.progressive_jpeg((7745, 7745), scans=2001, mode="L"),
    )
    yield "JPEG progressive, 60 MP one colour", h.one_colour("JPEG", (side, side), progressive=True)
    yield "PNG, 60 MP one colour", h.one_colour("PNG", (side, side), mode="1")
    chunks_ok = 12 * (uploads.MAX_PNG_CHUNKS - 64)
    yield f"PNG, {uploads.MAX_PNG_CHUNKS - 64:,} tiny chunks", h.png_of_tiny_chunks(chunks_ok)
    yield "PNG, 10 MB of empty chunks", h.png_of_tiny_chunks(LIMIT)
    yield "PNG, 10 MB of text chunks", h.png_of_text_chunks(LIMIT)
    yield f"WebP, {webp_side**2 / 1e6:.1f} MP one colour", h.one_colour("WEBP", (webp_side,) * 2)
    yield "WebP, random pixels at its 5 MB limit", random_pixels("WEBP", 2130)
    yield f"HEIF, {heif_side**2 / 1e6:.1f} MP one colour", h.one_colour("HEIF", (heif_side,) * 2)
    yield "HEIF, random pixels at its 5 MB limit", random_pixels("HEIF", 1800)
    yield (
        f"HEIF grid, {heif_side**2 / 1e6:.1f} MP in 232 px tiles (485 items)",
        h.one_colour("HEIF", (heif_side,) * 2, tile_size=232),
    )
    yield (
        f"HEIF grid, {heif_side**2 / 1e6:.1f} MP in 160 px tiles (962 items)",
        h.one_colour("HEIF", (heif_side,) * 2, tile_size=160),
    )


def check(content: bytes, usage: Usage):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from claims import uploads

    usage.last = None
    started = time.perf_counter()
    try:
        uploads.validate_receipt(SimpleUploadedFile("x", content))
        verdict = "accepted"
    except ValidationError as error:
        verdict = error.code
    return verdict, time.perf_counter() - started, usage.last


def page_work_latencies(stop: threading.Event, results: list) -> None:
    """In its own process at normal priority: 20 ms of Python, again and again."""

    def unit():
        total = 0
        deadline = time.process_time() + 0.02
        while time.process_time() < deadline:
            total += sum(range(100))
        return total

    queue = multiprocessing.get_context("fork").SimpleQueue()

    def worker():
        latencies = []
        for _ in range(60):
            started = time.perf_counter()
            unit()
            latencies.append(time.perf_counter() - started)
        queue.put(latencies)

    process = multiprocessing.get_context("fork").Process(target=worker)
    process.start()
    results.extend(queue.get())
    process.join()
    stop.set()


def responsiveness(content: bytes, concurrent: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from claims import uploads

    idle: list[float] = []
    page_work_latencies(threading.Event(), idle)

    loaded: list[float] = []
    stop = threading.Event()
    checked = []

    def uploader():
        while not stop.is_set():
            try:
                uploads.validate_receipt(SimpleUploadedFile("x", content))
                checked.append(1)
            except Exception:
                checked.append(0)

    threads = [threading.Thread(target=uploader) for _ in range(concurrent)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the checks are running
    page_work_latencies(stop, loaded)
    for thread in threads:
        thread.join()

    def row(name, values):
        values = sorted(values)
        p95 = values[int(len(values) * 0.95) - 1]
        return (
            f"| {name} | {statistics.median(values) * 1000:.0f} ms | {p95 * 1000:.0f} ms "
            f"| {values[-1] * 1000:.0f} ms |"
        )

    print()
    print(f"20 ms of page work at normal priority, idle and while {concurrent} threads check")
    print(f"the worst accepted file without pause ({len(checked)} checks done meanwhile):")
    print()
    print("| machine | median | p95 | max |")
    print("|---|---|---|---|")
    print(row("idle", idle))
    print(row(f"{concurrent} uploads being checked", loaded))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrent", type=int, default=8)
    options = parser.parse_args()

    usage = Usage()
    sandbox_log = logging.getLogger("dreame_service.kit.sandbox")
    sandbox_log.addHandler(usage)
    sandbox_log.setLevel(logging.DEBUG)

    from claims.tests.hostile_images import one_colour

    check(one_colour("JPEG", (8, 8)), usage)  # starts the fork server, as a web worker's first
    print("| file | size | verdict | check (web process) | decode CPU | decode memory |")
    print("|---|---|---|---|---|---|")
    worst_accepted, worst_cpu = None, -1.0
    for name, content in cases():
        verdict, seconds, child = check(content, usage)
        cpu, memory = (
            ("—", "—") if child is None else (f"{child[0]:.2f} s", f"+{child[1] / 2**20:.0f} MB")
        )
        print(
            f"| {name} | {len(content) / 1024:,.0f} KB | {verdict} | {seconds * 1000:.0f} ms "
            f"| {cpu} | {memory} |"
        )
        if verdict == "accepted" and child and child[0] > worst_cpu:
            worst_accepted, worst_cpu = content, child[0]
    responsiveness(worst_accepted, options.concurrent)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dreame_service.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    main()
