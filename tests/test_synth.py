import json

import pytest

from detector.synth import assets, elements, screen
from detector.voc import read_split

RESERVED = (
    "phosphor",
    "tabler",
    "fluent",
    "mingcute",
    "solar",
    "iconoir",
    "carbon",
    "tdesign",
    "majesticons",
    "akar",
    "humbleicons",
)


def test_synth_writes_a_voc_dataset(tiny_dataset):
    train = read_split(tiny_dataset, "train")
    val = read_split(tiny_dataset, "val")
    assert len(train) == 9 and len(val) == 3
    for item in train + val:
        assert item.image_path.is_file() and (item.width, item.height) == (540, 1200)
        for o in item.objects:
            assert 0 <= o.box.x1 < o.box.x2 <= 540 and 0 <= o.box.y1 < o.box.y2 <= 1200
    metas = [json.loads(line) for line in (tiny_dataset / "meta.jsonl").read_text().splitlines()]
    assert {m["layout"] for m in metas if m["id"].startswith("val_")} <= set(screen.VAL_LAYOUTS)
    assert {m["layout"] for m in metas if m["id"].startswith("train_")} <= set(screen.TRAIN_LAYOUTS)
    recipe = json.loads((tiny_dataset / "recipe.json").read_text())
    assert recipe["seed"] == 3 and recipe["n"] == 12


def test_same_seed_same_screens(tmp_path):
    from detector.synth.generate import synthesize

    for name in ("a", "b"):
        synthesize(tmp_path / name, 2, seed=5, val_fraction=0.0, workers=1, fixed_size=(360, 800), show_progress=False)
    a = sorted((tmp_path / "a" / "Annotations").iterdir())
    b = sorted((tmp_path / "b" / "Annotations").iterdir())
    assert [p.read_text() for p in a] == [p.read_text() for p in b]


def test_train_and_val_assets_are_disjoint_and_no_reserved_icon_family():
    tr, va = assets.load_pool("train"), assets.load_pool("val")
    assert not set(tr.art) & set(va.art)
    assert not {g.font for g in tr.glyphs} & {g.font for g in va.glyphs}
    for path in tr.ja_fonts + tr.latin_fonts + tr.symbol_fonts + tuple(g.font for g in tr.glyphs + va.glyphs):
        assert not any(r in path.lower() for r in RESERVED), path


def test_every_element_kind_draws(tmp_path):
    import random

    from detector.synth import elements

    pool = assets.load_pool("train")
    rng = random.Random(1)
    for scheme in elements.CLOSE_SCHEMES:
        s = elements.draw_close(rng, pool, 60, scheme)
        assert [b.label for b in s.boxes] == ["close"] and s.boxes[0].style.startswith(scheme)
    assert [b.label for b in elements.draw_skip(rng, pool, 60).boxes] == ["skip"]
    text = elements.draw_text(rng, "残り十区ジ", pool.ja_fonts[0], 40, (0, 0, 0, 255))
    assert [b.label for b in text.boxes] == ["ja_char"] * 5
    assert elements.draw_text(rng, "x2 +", pool.latin_fonts[0], 40, (0, 0, 0, 255)).boxes == []


def test_a_word_pill_is_the_unlabelled_twin_of_a_close_or_skip_pill():
    import random

    import numpy as np

    from detector.synth import elements

    pool = assets.load_pool("train")
    rng = random.Random(3)
    for _ in range(20):
        colors = elements.pill_colors(rng)
        close = elements.draw_close_pill(rng, pool, 48, colors)
        word = elements.draw_word_pill(rng, pool, 48, colors)
        skip = elements.draw_skip_pill(rng, pool, 48, colors)
        # the close and skip pills are labelled whole; their twin is not labelled at all
        assert [(b.label, b.box) for b in close.boxes] == [("close", (0, 0, close.image.width, 48))]
        assert [(b.label, b.box) for b in skip.boxes] == [("skip", (0, 0, skip.image.width, 48))]
        assert word.boxes == [] and word.image.height == 48
        # one plate: the commonest colour of each (the plate, filled or half-transparent inside an outline)
        for im in (close.image, word.image, skip.image):
            px = np.asarray(im).reshape(-1, 4)
            rgb, n = np.unique(px[px[:, 3] > 0][:, :3], axis=0, return_counts=True)
            assert tuple(rgb[n.argmax()]) == colors[1][:3]


def _pool(split: str, n_ja: int, n_art: int) -> assets.AssetPool:
    return assets.AssetPool(
        split,  # type: ignore[arg-type]
        tuple(f"/f/ja{i}.ttf" for i in range(n_ja)),
        ("/f/latin.ttf",),
        (),
        (),
        tuple(f"/a/{i}.jpg" for i in range(n_art)),
        ("テスト",),
    )


def test_thin_assets_names_each_missing_kind_per_split():
    assert assets.thin_assets([_pool("train", 5, 1), _pool("val", 12, 3)]) == []
    problems = assets.thin_assets([_pool("train", 2, 0), _pool("val", 5, 3)])
    assert len(problems) == 2
    assert problems[0].startswith("train: no pictures")
    assert problems[1] == "train: 2 Japanese fonts (want >= 5)"


def test_synth_cli_refuses_thin_assets_and_writes_nothing(tmp_path, monkeypatch, capsys):
    from agent.cli import main

    monkeypatch.setattr(assets, "load_pool", lambda split, icons=None: _pool(split, 1, 0))
    out = tmp_path / "ds"
    assert main(["synth", "--out", str(out), "--n", "2", "--seed", "1", "--workers", "1", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "scripts/data.sh" in err and "--allow-thin-assets" in err and "val: 1 Japanese fonts" in err
    assert not out.exists()


def test_val_screens_do_not_depend_on_n(tmp_path):
    """scripts/data.sh writes eval-only sets with --val-fraction 1: val screen i must be the full set's val screen i."""
    from detector.synth.generate import synthesize

    synthesize(tmp_path / "full", 4, seed=9, val_fraction=0.5, workers=1, fixed_size=(360, 800), show_progress=False)
    synthesize(tmp_path / "val", 2, seed=9, val_fraction=1.0, workers=1, fixed_size=(360, 800), show_progress=False)
    for i in range(2):
        for sub, ext in (("JPEGImages", "jpg"), ("Annotations", "xml")):
            name = f"{sub}/val_9_{i:06d}.{ext}"
            assert (tmp_path / "val" / name).read_bytes() == (tmp_path / "full" / name).read_bytes()
    assert (tmp_path / "val/ImageSets/Main/train.txt").read_text().split() == []


def test_close_buttons_stay_in_the_asked_size_range():
    """`--close-px` narrows the close (and look-alike mute) button sizes; pills keep their own height."""
    import random

    pool = assets.load_pool("train")
    sides = []
    for i in range(40):
        scr = screen.compose(random.Random(i), pool, "card", (1080, 2400), screen.CloseMix(px=(20, 26)))
        sides += [
            max(o.box[2] - o.box[0], o.box[3] - o.box[1])
            for o in scr.objects
            if o.label == "close" and not o.style.startswith("pill")
        ]
    assert len(sides) >= 10
    assert max(sides) <= 26 * 1.1 + 1  # the log-uniform draw times the 0.9-1.1 jitter; the box is the ink inside
    default = screen.compose(random.Random(0), pool, "card", (1080, 2400))
    again = screen.compose(random.Random(0), pool, "card", (1080, 2400), screen.CloseMix((24, 150)))
    assert default.objects == again.objects


def test_synth_refuses_a_bad_close_size_range(tmp_path, capsys):
    from agent.cli import main

    for bad, says in (("60-20", "close button sizes 60-20 px"), ("big", "--close-px 'big'")):
        out = tmp_path / bad
        assert main(["synth", "--out", str(out), "--n", "1", "--close-px", bad, "--quiet"]) == 1
        assert says in capsys.readouterr().err
        assert not (out / "JPEGImages").exists()


def test_close_pills_set_the_share_of_closes_drawn_as_pills():
    """`--close-pills`: 0 draws no close pill, 1 nothing else; the default stays the 8% every older set was drawn
    with (another value would draw those sets differently)."""
    import random

    pool = assets.load_pool("train")

    def styles(share: float) -> list[str]:
        out = []
        for i in range(24):
            c = screen.Canvas(1080, 2400, close=screen.CloseMix(pills=share))
            screen.place_close(random.Random(i), pool, c, "screen_tr", None)
            out += [o.style for o in c.objects if o.label == "close"]
        return out

    none, every = styles(0.0), styles(1.0)
    assert len(none) == len(every) == 24
    assert not any(s.startswith("pill/") for s in none)
    assert all(s.startswith("pill/") for s in every)
    assert screen.Canvas(10, 10).close.pills == screen.DEFAULT_CLOSE_PILLS == 0.08


def test_condensed_marks_are_squeezed_and_off_by_default():
    """`--condensed-x`: at 1 every drawn or typed mark is squeezed to 55-80% of its width (a condensed font's X, legs
    steeper than 45 degrees), icons never; at 0 (the default) the same random draws give the same closes as before."""
    import random

    from detector.synth import elements

    pool = assets.load_pool("train")

    def bare(share: float, seed: int) -> elements.Sprite:
        return elements.draw_close(random.Random(seed), pool, 120, "dark_bare", condensed=share)

    squeezed, plain = [], []
    for i in range(40):
        s1, s0 = bare(1.0, i), bare(0.0, i)
        (b1,), (b0,) = s1.boxes, s0.boxes
        (squeezed if "_condensed" in b1.style else plain).append((b1.box[2] - b1.box[0]) / (b1.box[3] - b1.box[1]))
        assert "_condensed" not in b0.style
        assert "_condensed" in b1.style or "/glyph_" in b1.style  # only icons are left as they are
    assert len(squeezed) >= 15 and max(squeezed) < 0.9  # an x's box is about square; squeezed, clearly taller
    assert screen.Canvas(10, 10).close.condensed == 0.0
    rng, layer = random.Random(5), bare(0.0, 1).image
    state = rng.getstate()
    assert elements._condensed(rng, layer, "proc", 0.0) == (layer, "proc") and rng.getstate() == state  # no draw
    elements._condensed(rng, layer, "proc", 0.5)
    assert rng.getstate() != state


def test_raised_marks_touch_their_plates_top_and_are_off_by_default():
    """`--raised-x`: at 1 every drawn or typed mark on a plate is made big and set high, its top at the plate's top
    edge (as a browser sets a font's X in a circle), bare marks and icons never; at 0 (the default) no random number
    is drawn for it, so the closes are those of every set before it."""
    import random

    import numpy as np
    from PIL import Image

    from detector.synth import elements

    pool = assets.load_pool("train")

    def mark_top(sprite: elements.Sprite) -> float:
        """How far down its button the white mark of a dark translucent plate begins, in the button's heights."""
        (label,) = sprite.boxes
        px = np.asarray(sprite.image)
        rows = np.flatnonzero(((px[..., 0] >= 200) & (px[..., 3] >= 200)).any(axis=1))
        return (rows[0] - label.box[1]) / (label.box[3] - label.box[1])

    raised = 0
    for i in range(30):
        a, b = (elements.draw_close(random.Random(i), pool, 120, "dark_translucent") for _ in range(2))
        off = elements.draw_close(random.Random(i), pool, 120, "dark_translucent", raised=0.0)
        assert a.image.tobytes() == off.image.tobytes() and a.boxes == off.boxes == b.boxes
        high = elements.draw_close(random.Random(i), pool, 120, "dark_translucent", raised=1.0)
        (box,) = high.boxes
        assert "_raised" in box.style or "/glyph_" in box.style
        if "_raised" in box.style:  # at the plate's top edge; centred, a mark of 32-60% begins a fifth down
            raised += 1
            assert mark_top(high) <= 0.08 and mark_top(a) >= 0.12, (i, mark_top(high), mark_top(a))
        (bare,) = elements.draw_close(random.Random(i), pool, 120, "white_bare", raised=1.0).boxes
        assert "_raised" not in bare.style
    assert raised >= 12
    for top, side in ((40, 20), (10, 60), (0, 30)):  # a mark `side` px tall whose top is `top` px down a 100-px square
        mark = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
        mark.paste((255, 255, 255, 255), (30, top, 70, top + side))
        for seed in range(20):
            dy = elements._raise(random.Random(seed), mark)
            assert dy <= 0 and (-3 <= top + dy <= 6 or (dy == 0 and top <= 6))


def test_mute_buttons_apart_from_the_close_and_off_by_default():
    """`--mute-apart`: at 1 a mute button on a screen with a close is as large as the close (0.85-1.15 of its side)
    and, beside it, 0.3-0.8 of its side away, so that no close looks like the x of a muted speaker; at the default 0
    its size is the close's by chance only, and the share draws no random number (the sets made before the flag are
    made the same)."""
    import random

    pool = assets.load_pool("train")
    assert screen.Canvas(10, 10).close.mute_apart == 0.0
    rng = random.Random(3)
    state = rng.getstate()
    assert elements.drawn_share(rng, 0.0) is False and rng.getstate() == state  # no draw at 0
    assert elements.drawn_share(rng, 1.0) is True and rng.getstate() != state

    def mute(seed: int, share: float) -> tuple[tuple, tuple | None]:
        c = screen.Canvas(1080, 2400, close=screen.CloseMix(mute_apart=share))
        screen.place_close(random.Random(seed), pool, c, "screen_tr", None)
        (close,) = [o.box for o in c.objects if o.label == "close"]
        placed = []
        place = c.place
        c.place = lambda sprite, x, y: placed.append((x, y, *sprite.image.size)) or place(sprite, x, y)
        screen.mute_button(random.Random(1000 + seed), pool, c)
        return close, placed[0] if placed else None

    def matched(close: tuple, spot: tuple) -> bool:
        side = min(close[2] - close[0], close[3] - close[1])
        return 0.85 * side - 2 <= max(spot[2], spot[3]) <= 1.15 * side + 2

    on = [mute(seed, 1.0) for seed in range(40)]
    off = [mute(seed, 0.0) for seed in range(40)]
    assert sum(spot is not None for _, spot in on) >= 30
    assert all(matched(close, spot) for close, spot in on if spot is not None)
    assert sum(not matched(close, spot) for close, spot in off if spot is not None) >= 20
    beside = [(close, spot) for close, spot in on if spot and spot[1] == close[1] and spot[0] + spot[2] <= close[0]]
    assert len(beside) >= 5  # placed just left of the close, in its row
    for close, (x, _, w, _) in beside:
        assert close[0] - (x + w) >= 0.3 * min(close[2] - close[0], close[3] - close[1]) - 1


def test_close_mix_refuses_what_it_cannot_draw():
    """Sizes and shares are checked where they are made, naming the value: before any folder is made."""
    from detector.errors import DatasetError

    for bad, says in (({"px": (60, 20)}, "close button sizes 60-20 px"), ({"raised": 1.5}, "close raised 1.5")):
        with pytest.raises(DatasetError, match=says):
            screen.CloseMix(**bad)


def test_synth_close_pills_reach_the_written_set(tmp_path, capsys):
    """`closebot synth --close-pills 1`: every close written is a pill, and recipe.json says so; 1.5 is refused.
    `--raised-x 1 --condensed-x 1` reach the drawing the same way: every mark drawn or typed on a plate is both."""
    from agent.cli import main
    from detector.voc import read_annotation

    out = tmp_path / "s"
    args = ["synth", "--out", str(out), "--n", "6", "--seed", "4", "--size", "540x1200", "--workers", "1"]
    assert main([*args, "--close-pills", "1", "--quiet", "--allow-thin-assets"]) == 0
    closes = [
        g.style for xml in (out / "Annotations").glob("*.xml") for g in read_annotation(xml)[3] if g.label == "close"
    ]
    assert closes and all(s.startswith("pill/") for s in closes)
    recipe = json.loads((out / "recipe.json").read_text())
    assert recipe["close_pills"] == 1.0 and recipe["condensed"] == recipe["raised"] == 0.0
    # the mark shares reach the drawing through the command line too (CloseMix), and recipe.json says so
    marks = tmp_path / "marks"
    argv = ["synth", "--out", str(marks), "--n", "8", "--seed", "4", "--size", "540x1200", "--workers", "1"]
    assert (
        main([*argv, "--close-pills", "0", "--raised-x", "1", "--condensed-x", "1", "--quiet", "--allow-thin-assets"])
        == 0
    )
    styles = [
        g.style for xml in (marks / "Annotations").glob("*.xml") for g in read_annotation(xml)[3] if g.label == "close"
    ]  # a drawn or typed mark on a plate: "<scheme>/proc_..." or "<scheme>/char_...", its scheme not a bare one
    plated = [s for s in styles if not s.split("/")[0].endswith("_bare") and s.split("/")[1][:4] in ("proc", "char")]
    assert plated and all(s.endswith("_condensed_raised") for s in plated), plated
    recipe = json.loads((marks / "recipe.json").read_text())
    assert recipe["close_pills"] == 0.0 and recipe["condensed"] == recipe["raised"] == 1.0
    bad = tmp_path / "bad"
    with pytest.raises(SystemExit) as e:  # refused by argparse, before anything is made
        main(["synth", "--out", str(bad), "--n", "1", "--close-pills", "1.5", "--quiet"])
    assert e.value.code == 2 and "--close-pills: must be from 0 to 1, got 1.5" in capsys.readouterr().err
    assert not bad.exists()


def test_text_negatives_draw_text_where_buttons_sit_and_never_a_target():
    """`--text-negatives`: word pills, text bubbles and "攻撃力×10" words are drawn (the screen changes, their kana
    and kanji are ja_char) and nothing of them is labelled close or skip."""
    import random

    import numpy as np

    pool = assets.load_pool("train")
    changed = 0
    for i in range(12):
        c = screen.Canvas(1080, 2400)
        before = np.asarray(c.img).copy()
        screen.text_negatives(random.Random(i), pool, c, 3)
        assert {o.label for o in c.objects} <= {"ja_char"}
        changed += not np.array_equal(before, np.asarray(c.img))
    assert changed >= 10  # a draw is skipped only when it would cover a target or not fit


def test_text_negatives_are_drawn_only_when_asked_and_never_on_held_out_layouts(monkeypatch):
    """Off by default (so sets made before the flag existed are made the same), never on held-out layouts."""
    import random

    calls = []
    monkeypatch.setattr(screen, "text_negatives", lambda rng, pool, c, n, card=None: calls.append(n))
    pool, val_pool = assets.load_pool("train"), assets.load_pool("val")
    for i in range(3):
        screen.compose(random.Random(i), pool, "card", (720, 1600))
        for layout in screen.VAL_LAYOUTS:
            screen.compose(random.Random(i), val_pool, layout, (720, 1600), text_negatives_max=3)
    assert calls == []
    for i in range(6):
        screen.compose(random.Random(i), pool, "card", (720, 1600), text_negatives_max=3)
    assert len(calls) == 6 and set(calls) <= {1, 2, 3}


def test_synth_refuses_a_bad_text_negatives_count(tmp_path, capsys):
    from agent.cli import main

    out = tmp_path / "s"
    with pytest.raises(SystemExit) as e:  # argparse's check, before anything is made
        main(["synth", "--out", str(out), "--n", "1", "--text-negatives", "-1", "--quiet"])
    assert e.value.code == 2 and "argument --text-negatives: must be 0 or more, got -1" in capsys.readouterr().err
    assert not out.exists()


def test_a_text_negative_pill_never_names_or_marks_close_or_skip():
    """Snippets of manpages-ja go on unlabelled pills: one saying スキップ, skip or 閉じる, or carrying ">>" or an x,
    would be an unlabelled target."""
    for bad in ("スキップする", "--skip", "を閉じる", ">> file", "-x 指定", "×2", " ", "a"):
        assert not screen._neutral(bad), bad
    for good in ("詳しく", "ファイル名", "--help", "オプション"):
        assert screen._neutral(good), good


def test_a_label_that_nothing_shows_is_left_out(monkeypatch):
    """A label drawn over by a later element (here a status bar that whitens all of the screen but a top strip) is
    left out and listed under meta["undrawn"]: labels are kept only where the finished screen shows something
    (detector.synth.visibility). Unpatched, 1 of these 6 screens has a ja_char label on a glyph that drew nothing."""
    import random

    from PIL import ImageDraw

    pool = assets.load_pool("train")

    def whiten(rng, pool, c, dark_text=False):
        ImageDraw.Draw(c.img).rectangle((0, 40, c.img.width, c.img.height), fill=(255, 255, 255, 255))

    monkeypatch.setattr(screen, "status_bar", whiten)
    dropped = 0
    for i in range(6):
        scr = screen.compose(random.Random(i), pool, "card", (720, 1600))
        with monkeypatch.context() as m:
            m.setattr(screen, "drawn", lambda pixels, box: True)
            everything = screen.compose(random.Random(i), pool, "card", (720, 1600)).objects
        assert all(o.box[1] < 40 for o in scr.objects)  # only what reaches into the strip can still show
        assert sorted(scr.meta.get("undrawn", []) + [o.label for o in scr.objects]) == sorted(
            o.label for o in everything
        )
        assert scr.meta["has_close"] == any(o.label == "close" for o in scr.objects)
        dropped += len(scr.meta.get("undrawn", []))
    assert dropped > 50
