"""Icon sets for the generator: name rules, the reserved families, rendering to masks, drawing them on screens."""

import json
import random

import pytest

from detector.errors import DatasetError
from detector.synth import assets, elements
from detector.synth.generate import synthesize
from detector.synth.icons import (
    ICON_SETS,
    RESERVED_PREFIXES,
    WEB_EVAL_PREFIXES,
    build_icon_cache,
    classify,
    is_muted,
    is_sound,
    load_icons,
)
from detector.synth.screen import Canvas, mute_button
from detector.voc import read_split


@pytest.mark.parametrize(
    ("prefix", "name", "expected"),
    [
        ("mdi", "close", ("close", "bare")),
        ("mdi", "close-circle-outline", ("close", "circle")),
        ("eva", "close-square-fill", ("close", "square")),
        ("octicon", "x-circle-fill-16", ("close", "circle")),
        ("fa6-solid", "xmark", ("close", "bare")),
        ("ic", "round-close", ("close", "bare")),
        ("mdi", "window-close", None),  # a window-manager button, not an ad's close
        ("mdi", "email-remove", None),  # too close to a close mark to be a safe negative
        ("mdi", "cross", None),  # a Christian cross in MDI...
        ("entypo", "cross", ("close", "bare")),  # ...an x in Entypo
        ("mdi", "cancel", None),  # a prohibition sign in MDI...
        ("ic", "round-cancel", ("close", "bare")),  # ...a circled x in Google's set
        ("mage", "x", None),  # the X (Twitter) logo
        ("ant-design", "x-outlined", None),
        ("mdi", "fast-forward", ("skip", "bare")),
        ("fa6-solid", "angles-right", ("skip", "bare")),
        ("ic", "outline-keyboard-double-arrow-right", ("skip", "bare")),
        ("mdi", "chevron-double-left", ("negative", "bare")),  # "<<" is not a skip
        ("mdi", "plus", ("negative", "bare")),
        ("mdi", "forward", None),  # a mail arrow in some sets, ">>" in others: neither label is safe
        ("mdi", "battery", ("negative", "bare")),
    ],
)
def test_icon_names_sort_into_roles(prefix, name, expected):
    assert classify(name, prefix) == expected


def test_no_reserved_or_web_eval_family_is_used():
    for prefix in ICON_SETS:
        for banned in RESERVED_PREFIXES + WEB_EVAL_PREFIXES:
            assert prefix != banned and not prefix.startswith(banned + "-"), prefix
    assert {"train", "val"} == set(ICON_SETS.values())


def _fake_npm(root, prefix="demo", extra=None):
    """A node_modules folder with one Iconify JSON package of five icons (24-unit grid, like most sets)."""
    icons = {
        "close": {"body": '<path fill="none" stroke="currentColor" stroke-width="2" d="M6 6l12 12M18 6L6 18"/>'},
        "close-circle": {"body": '<circle cx="12" cy="12" r="10" fill="currentColor"/>'},
        "fast-forward": {"body": '<path fill="currentColor" d="M2 6l8 6-8 6zM12 6l8 6-8 6z"/>'},
        "plus": {"body": '<path fill="currentColor" d="M11 4h2v16h-2zM4 11h16v2H4z"/>'},
        "window-close": {"body": '<path fill="currentColor" d="M2 2h20v20H2z"/>'},
        "masked-x": {"body": '<mask id="m"><rect width="24" height="24" fill="#fff"/></mask><g mask="url(#m)"/>'},
    }
    pkg = root / "@iconify-json" / prefix
    pkg.mkdir(parents=True)
    data = {"prefix": prefix, "width": 24, "height": 24, "icons": icons | (extra or {})}
    (pkg / "icons.json").write_text(json.dumps(data))
    return root


def test_cache_renders_masks_by_role_and_split(tmp_path):
    npm = _fake_npm(tmp_path / "node_modules")
    _fake_npm(npm, "other")
    out = tmp_path / "icons"
    entries = build_icon_cache(npm, out, sets={"demo": "train", "other": "val"}, show_progress=False)
    by = {(e.set, e.name): e for e in entries}
    # window-close is left out by name, masked-x because CairoSVG would drop its mask
    assert set(by) == {(s, n) for s in ("demo", "other") for n in ("close", "close-circle", "fast-forward", "plus")}
    assert by["demo", "close-circle"].kind == "circle" and by["demo", "plus"].role == "negative"
    from PIL import Image

    with Image.open(out / by["demo", "close"].path) as im:
        assert im.mode == "RGBA" and im.size == (128, 128)
        x1, y1, x2, y2 = im.getchannel("A").getbbox()
        assert 25 <= x1 <= 35 and 91 <= x2 <= 102 and 25 <= y1 <= 35 and 91 <= y2 <= 102  # 6..18 of 24 units, stroked
    assert {e.set for e in load_icons(out, "train")} == {"demo"}
    assert {e.set for e in load_icons(out, "val")} == {"other"}


def test_reserved_family_is_refused_even_when_asked(tmp_path):
    npm = _fake_npm(tmp_path / "node_modules", "tabler")
    with pytest.raises(DatasetError, match="reserved"):
        build_icon_cache(npm, tmp_path / "icons", sets={"tabler": "train"}, show_progress=False)
    # and a cache that lists one (built by hand or by an older version) is refused when read
    (tmp_path / "icons").mkdir()
    entry = {"set": "ph", "name": "x", "role": "close", "kind": "bare", "split": "train", "path": "ph/close/x.png"}
    (tmp_path / "icons" / "index.json").write_text(json.dumps({"sets": {"ph": "train"}, "icons": [entry]}))
    with pytest.raises(DatasetError, match="reserved"):
        load_icons(tmp_path / "icons", "train")


def test_missing_package_names_the_install_command(tmp_path):
    (tmp_path / "node_modules" / "@iconify-json").mkdir(parents=True)
    with pytest.raises(DatasetError, match="npm install @iconify-json/mdi"):
        build_icon_cache(tmp_path / "node_modules", tmp_path / "icons", sets={"mdi": "train"}, show_progress=False)


def test_icon_masks_draw_as_close_buttons_and_screens(tmp_path):
    npm = _fake_npm(tmp_path / "node_modules")
    out = tmp_path / "icons"
    build_icon_cache(npm, out, sets={"demo": "train"}, show_progress=False)
    pool = assets.load_pool("train", str(out))
    icons = [g for g in pool.glyphs if not g.char]
    assert {g.name for g in icons} == {"demo:close", "demo:close-circle", "demo:fast-forward", "demo:plus"}
    # a mask is drawn in the colour asked, its ink filling the square
    layer = elements._glyph_layer(40, next(g for g in icons if g.name == "demo:close-circle"), (200, 10, 10, 255))
    assert layer.getpixel((layer.width // 2, layer.height // 2)) == (200, 10, 10, 255)
    bbox = layer.getchannel("A").getbbox()
    assert bbox[0] <= 2 and bbox[2] >= layer.width - 2
    # icon closes do get drawn as labelled close buttons
    rng = random.Random(0)
    styles = [elements.draw_close(rng, pool, 60).boxes[0].style for _ in range(80)]
    assert any("glyph_demo:" in s for s in styles)
    # and a dataset records which sets it drew from; asking for a cache that does not exist is an error
    recipe = synthesize(tmp_path / "ds", 3, seed=1, val_fraction=0.0, workers=1, fixed_size=(360, 800), icons=out,
                        show_progress=False)  # fmt: skip
    assert recipe["icon_sets"] == {"demo": "train"} and len(read_split(tmp_path / "ds", "train")) == 3
    with pytest.raises(DatasetError, match="closebot icons"):
        synthesize(tmp_path / "ds2", 1, seed=1, workers=1, icons=tmp_path / "nowhere", show_progress=False)


@pytest.mark.parametrize(
    ("name", "sound", "muted"),
    [
        ("volume-x", True, True),
        ("mdi:volume-off", True, True),
        ("speaker-x-mark", True, True),
        ("round-volume-mute", True, True),
        ("volume-high", True, False),
        ("speaker", True, False),
        ("close", False, False),
        ("x-circle", False, False),
        ("sc-soundcloud", False, False),  # whole tokens only
    ],
)
def test_sound_icon_names(name, sound, muted):
    assert (is_sound(name), is_muted(name)) == (sound, muted)


def _sound_set(tmp_path, n_other=6):
    speaker = '<path fill="currentColor" d="M3 9h4l5-5v16l-5-5H3z"/>'
    extra = {
        "volume-x": {"body": speaker + '<path stroke="currentColor" stroke-width="2" d="M16 9l5 6M21 9l-5 6"/>'},
        "volume-high": {"body": speaker + '<path fill="currentColor" d="M15 8h2v8h-2z"/>'},
    }
    extra |= {
        f"shape-{i}": {"body": f'<circle cx="12" cy="12" r="{4 + i}" fill="currentColor"/>'} for i in range(n_other)
    }
    npm = _fake_npm(tmp_path / "node_modules", extra=extra)
    out = tmp_path / "icons"
    return build_icon_cache(npm, out, sets={"demo": "train"}, negatives_per_set=2, show_progress=False), out


def test_every_sound_icon_is_kept_as_a_negative(tmp_path):
    entries, _ = _sound_set(tmp_path)
    negs = {e.name for e in entries if e.role == "negative"}
    # the sample takes 2 of the 8 ordinary negatives; the two speakers come on top, "volume-x" despite its x
    assert {"volume-x", "volume-high"} <= negs and len(negs - {"volume-x", "volume-high"}) == 2
    assert classify("volume-x", "demo") is None  # the name rule alone would leave it out
    assert not any(e.name.startswith("volume") and e.role != "negative" for e in entries)


def test_mute_buttons_are_drawn_unlabelled_beside_the_close(tmp_path):
    _, out = _sound_set(tmp_path)
    pool = assets.load_pool("train", str(out))
    rng = random.Random(3)
    drawn = [elements.draw_sound_icon(rng, pool, 64) for _ in range(30)]
    assert all(not s.boxes and s.image.getchannel("A").getbbox() for s in drawn)
    c = Canvas(720, 1600)
    c.place(elements.draw_close(rng, pool, 60), 600, 80)
    close = tuple(round(v) for v in c.objects[0].box)
    close_pixels = c.img.crop(close).tobytes()
    before = c.img.copy()
    placed = 0
    for _ in range(20):
        n = len(c.objects)
        mute_button(rng, pool, c)
        assert len(c.objects) == n and [o.label for o in c.objects] == ["close"]  # nothing labelled
        placed += c.img.tobytes() != before.tobytes()
        before = c.img.copy()
    assert placed >= 10
    assert c.img.crop(close).tobytes() == close_pixels  # never painted over the close
