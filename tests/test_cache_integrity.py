"""The cache is an optimisation, never a risk: a cached file that was changed or cut short is not
published, an unreadable entry is a miss and never an error, and `--force` reads nothing from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import small_tables, write_tables

from evalkit.bygning.build import build, cache_dir, log_dir
from evalkit.bygning.cache import Cache

PARTS = {"inddata": {"data/a.csv": "1"}, "kode": "k"}


def _stored(tmp_path: Path) -> tuple[Cache, Path]:
    cache = Cache(tmp_path / "cache")
    (tmp_path / "out.html").write_text("<p>ægte</p>", encoding="utf-8")
    cache.store(cache.decide("slut/dokument", PARTS), {"out.html": tmp_path / "out.html"})
    [entry] = (tmp_path / "cache" / "slut" / "dokument").iterdir()
    return cache, entry


@pytest.mark.parametrize("damage", ["changed", "truncated", "removed"])
def test_a_damaged_cached_file_is_a_miss_that_says_why(tmp_path, damage):
    cache, entry = _stored(tmp_path)
    assert cache.decide("slut/dokument", PARTS).hit
    if damage == "changed":
        (entry / "out.html").write_text("<p>falsk</p>", encoding="utf-8")
    elif damage == "truncated":
        (entry / "out.html").write_bytes((entry / "out.html").read_bytes()[:3])
    else:
        (entry / "out.html").unlink()
    decision = cache.decide("slut/dokument", PARTS)
    assert not decision.hit
    assert "cachen blev ikke brugt" in decision.describe() and "out.html" in decision.describe()


@pytest.mark.parametrize("content", [b"", b'{"trin": "slut/dokument", "filer"', b"[]", b'{"filer": ["out.html"]}'])
def test_an_unreadable_entry_description_is_a_miss_not_an_error(tmp_path, content):
    cache, entry = _stored(tmp_path)
    (entry / "trin.json").write_bytes(content)
    decision = cache.decide("slut/dokument", PARTS)
    assert not decision.hit and "køres" in decision.describe()
    other = cache.decide("slut/dokument", {**PARTS, "kode": "ny"})  # compared with the broken entry
    assert not other.hit and other.changed == []


def test_force_reads_nothing_from_the_cache(tmp_path):
    cache, entry = _stored(tmp_path)
    (entry / "trin.json").write_bytes(b"\x00garbage")
    forced = Cache(tmp_path / "cache", enabled=False).decide("slut/dokument", {**PARTS, "kode": "ny"})
    assert not forced.hit and forced.changed == ["intet (--force)"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("cache")
    data = write_tables(small_tables(), base / "data")
    out = base / "rapport"
    build(data, out, faser=["midtvejs"], renderer="pandoc", workers=2)
    return data, out


def test_a_tampered_cached_document_is_rendered_again_not_published(built):
    data, out = built
    genuine = (out / "midtvejsevaluering.html").read_bytes()
    [cached] = cache_dir(out).glob("midtvejs/dokument/*/midtvejsevaluering.html")
    cached.write_bytes(genuine.replace(b"</body>", b"<script>alert(1)</script></body>"))
    result = build(data, out, faser=["midtvejs"], renderer="pandoc")
    assert "midtvejs/dokument" in result.ran
    assert (out / "midtvejsevaluering.html").read_bytes() == genuine
    log = (log_dir(out) / "byg.log").read_text(encoding="utf-8")
    assert "filen midtvejsevaluering.html i cachen er ændret siden den blev gemt" in log


def test_a_truncated_cache_never_breaks_a_build_with_or_without_force(built):
    data, out = built
    for meta in cache_dir(out).rglob("trin.json"):
        meta.write_bytes(meta.read_bytes()[:20])
    for notebook in list(cache_dir(out).rglob("*.ipynb"))[:3]:
        notebook.write_bytes(notebook.read_bytes()[:100])
    published = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    build(data, out, faser=["midtvejs"], renderer="pandoc")
    for meta in cache_dir(out).rglob("trin.json"):
        meta.write_bytes(b"")
    build(data, out, faser=["midtvejs"], renderer="pandoc", force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == published
    assert all(json.loads(m.read_text(encoding="utf-8"))["filer"] for m in cache_dir(out).rglob("trin.json"))
    shutil.rmtree(cache_dir(out))
