"""Icons from open icon sets, rasterised once into PNG masks that the generator draws like icon-font glyphs.

The sets come as Iconify JSON packages from npm (``@iconify-json/<prefix>``: one ``icons.json`` of SVG bodies per
set, each with its licence in ``info.json``). :func:`build_icon_cache` sorts every icon of the chosen sets by its name
into close marks (``close``, ``x``, ``xmark``, ``times``, ``cancel``... alone or with a shape such as ``-circle``),
skip marks (``fast-forward``, ``chevron-double-right``, ``skip-next``...) and a sample of everything else as hard
negatives (plus every sound icon: the mute button of video ads), renders each to a 128-px alpha mask with CairoSVG,
and writes ``index.json``. :func:`load_icons` reads that index back as :class:`~detector.synth.assets.Glyph` values,
so the generator treats a set's icons exactly like the glyphs of an icon font.

Whole sets belong to one split: the ``val`` sets never appear in training screens, so validation measures how well
the model generalises to icon sets it has not seen. The families reserved for the final evaluation and the ones our
browser-rendered evaluation set draws (``scripts/webeval.py``) are refused by name, here and in the tests.
"""

from __future__ import annotations

import json
import logging
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from detector.errors import DatasetError

log = logging.getLogger(__name__)

IconSplit = Literal["train", "val"]

# Iconify prefixes of the families reserved for the final evaluation: never rendered, whatever the caller asks.
RESERVED_PREFIXES = (
    "ph",
    "tabler",
    "fluent",
    "mingcute",
    "solar",
    "iconoir",
    "carbon",
    "tdesign",
    "majesticons",
    "akar-icons",
    "humbleicons",
)
# Families our own browser-rendered evaluation set draws (scripts/webeval.py), plus Feather (Lucide is its fork):
# kept out of training so that set stays unseen.
WEB_EVAL_PREFIXES = ("bi", "bootstrap", "ri", "remix", "lucide", "ion", "heroicons", "fe", "feather")

# The sets used, with their split. Licences (from each package's info.json): MIT, Apache-2.0, CC-BY-4.0, CC-BY-SA-4.0,
# MPL-2.0, Unlicense; the rendered masks are training material, not shipped.
ICON_SETS: dict[str, IconSplit] = {
    "mdi": "train",
    "ic": "train",
    "material-symbols": "train",
    "fa6-solid": "train",
    "fa6-regular": "train",
    "codicon": "train",
    "bx": "train",
    "la": "train",
    "ep": "train",
    "eva": "train",
    "gg": "train",
    "system-uicons": "train",
    "typcn": "train",
    "zondicons": "train",
    "entypo": "train",
    "ei": "train",
    "prime": "train",
    "icon-park-outline": "train",
    "radix-icons": "train",
    "mynaui": "train",
    "basil": "train",
    "lets-icons": "train",
    "circum": "train",
    "quill": "train",
    "uiw": "train",
    "teenyicons": "train",
    "pepicons-pop": "train",
    "hugeicons": "train",
    "pixelarticons": "train",
    "mage": "train",
    "flowbite": "train",
    "streamline": "train",
    # held out: validation screens only
    "octicon": "val",
    "ant-design": "val",
    "uil": "val",
    "clarity": "val",
    "iconamoon": "val",
    "gravity-ui": "val",
}

MASK_PX = 128

# Name tokens (split on "-" and "_"): a close icon is a close word plus nothing but shape and style words.
_CLOSE_WORDS = {"close", "x", "xmark", "times", "dismiss", "multiply"}
# "cross" is a Christian cross or a plus in most sets and "cancel" a prohibition sign: close marks only in the sets
# where they were seen drawn as an x (contact sheets of every candidate, checked by eye).
_CROSS_IS_X = {"entypo", "system-uicons", "radix-icons", "basil"}
_CANCEL_IS_X = {"ic", "material-symbols", "hugeicons", "basil"}
# Names that match but are not close marks (the X logo, a dash, an arc with a small x at its end), by prefix.
_NOT_CLOSE = (
    "mage:x",
    "flowbite:x-solid",
    "ant-design:x-",
    "icon-park-outline:big-x",
    "pepicons-pop:line-x",
    "iconamoon:close-circle-2",
)
_SKIP_NAMES = (
    ("fast", "forward"),
    ("forward", "fast"),
    ("skip", "next"),
    ("skip", "forward"),
    ("chevron", "double", "right"),
    ("chevrons", "right"),
    ("double", "right"),
    ("angle", "double", "right"),
    ("angles", "right"),
    ("double", "arrow", "right"),
    ("keyboard", "double", "arrow", "right"),
    ("media", "fast", "forward"),
    ("play", "forward"),
    ("forward", "step"),
)
_SHAPE_WORDS = {"circle", "circled", "square", "box", "octagon", "rounded", "round", "rectangle", "badge"}
_STYLE_WORDS = {
    "outline", "outlined", "sharp", "bold", "thick", "thin", "fill", "filled", "solid", "line", "linear", "light",
    "duotone", "twotone", "baseline", "small", "large", "sm", "lg", "big", "o", "alt", "sign", "mark", "icon", "r",
    "s", "b", "1", "2", "3", "12", "16", "20", "24", "32", "48", "broken", "stroke", "medium", "mini", "micro",
}  # fmt: skip
# Tokens that make a name too close to a close or skip mark to serve as a negative (a user-x badge, "forward").
_NOT_NEGATIVE = _CLOSE_WORDS | {
    "clear", "cross", "cancel", "forward", "skip", "next", "delete", "remove", "off", "slash", "ban", "block",
}  # fmt: skip


# Sound icons: the mute button of video ads, often in the corner beside the close and drawn alike, and often a speaker
# with an x ("volume-x", "speaker-x-mark"): the browser-rendered set's most frequent false tap. All of them are kept
# as negatives (not a sample), including the names the rules above leave out for their x, "off" or "slash".
SOUND_WORDS = frozenset({"volume", "speaker", "sound", "mute", "muted", "unmute"})


def is_sound(name: str) -> bool:
    """True for a sound icon's name (``volume-x``, ``speaker-off``, ``mdi:volume-mute``...)."""
    return bool(set(_tokens(name.rsplit(":", 1)[-1])) & SOUND_WORDS)


_MUTED_WORDS = frozenset({"x", "off", "mute", "muted", "slash", "cross", "close", "xmark", "cancel", "remove", "no"})


def is_muted(name: str) -> bool:
    """A sound icon drawn struck out or with an x (``volume-x``, ``volume-off``, ``mute``): the closest to a close."""
    toks = set(_tokens(name.rsplit(":", 1)[-1]))
    return bool(toks & SOUND_WORDS) and bool(toks & _MUTED_WORDS)


@dataclass(frozen=True)
class IconEntry:
    """One rendered icon: ``path`` (relative to the cache root) is a white-on-transparent mask."""

    set: str
    name: str
    role: Literal["close", "skip", "negative"]
    kind: Literal["bare", "circle", "square"]
    split: IconSplit
    path: str


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[-_]", name.lower()) if t]


def classify(name: str, prefix: str = "") -> tuple[str, str] | None:
    """``(role, kind)`` for the icon ``name`` of set ``prefix``, or None when it is none of close, skip or a usable
    negative.

    >>> classify("close-circle-outline"), classify("x"), classify("window-close"), classify("plus")
    (('close', 'circle'), ('close', 'bare'), None, ('negative', 'bare'))
    """
    if f"{prefix}:{name}".startswith(_NOT_CLOSE):
        return None
    close_words = (
        _CLOSE_WORDS
        | ({"cross"} if prefix in _CROSS_IS_X else set())
        | ({"cancel"} if prefix in _CANCEL_IS_X else set())
    )
    toks = _tokens(name)
    if not toks:
        return None
    rest = set(toks)
    kind = (
        "circle"
        if rest & {"circle", "circled", "octagon", "badge"}
        else ("square" if rest & {"square", "box", "rectangle"} else "bare")
    )
    core = [t for t in toks if t not in _SHAPE_WORDS and t not in _STYLE_WORDS]
    if core and all(t in close_words for t in core) and len(core) <= 2:
        return "close", kind
    for words in _SKIP_NAMES:
        if tuple(core) == words:
            return "skip", kind
    if rest & _NOT_NEGATIVE:
        return None
    return "negative", "bare"  # (a negative's kind is never used)


def _refused(prefix: str) -> bool:
    p = prefix.lower()
    return any(p == r or p.startswith(r + "-") for r in RESERVED_PREFIXES + WEB_EVAL_PREFIXES)


def _svg(body: str, width: float, height: float, size: int) -> str:
    body = body.replace("currentColor", "#fff")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{size}" height="{size}" viewBox="0 0 {width} {height}" color="#fff">{body}</svg>'
    )


def icons_json(npm_dir: Path, prefix: str) -> dict:
    """The Iconify JSON of set ``prefix`` in ``npm_dir`` (a node_modules folder); DatasetError naming the npm
    package when it is missing."""
    path = npm_dir / "@iconify-json" / prefix / "icons.json"
    if not path.is_file():
        raise DatasetError(f"{path}: missing; install it with `npm install @iconify-json/{prefix}` in {npm_dir.parent}")
    return json.loads(path.read_text())


def build_icon_cache(
    npm_dir: Path,
    out: Path,
    sets: dict[str, IconSplit] | None = None,
    negatives_per_set: int = 80,
    seed: int = 0,
    show_progress: bool = True,
) -> list[IconEntry]:
    """Render the close, skip and (a sample of) negative icons of ``sets`` from ``npm_dir`` (a node_modules folder)
    into ``out``; writes ``out/index.json`` and returns its entries."""
    import cairosvg  # the one user of an SVG renderer: imported here so the rest of closebot does not need it
    from PIL import Image
    from tqdm import tqdm

    sets = dict(ICON_SETS if sets is None else sets)
    refused = sorted(p for p in sets if _refused(p))
    if refused:
        raise DatasetError(f"icon sets {refused} are reserved for evaluation and are never used for training data")
    rng = random.Random(seed)
    entries: list[IconEntry] = []
    jobs: list[tuple[str, str, str, str, IconSplit, dict, float, float]] = []
    for prefix, split in sorted(sets.items()):
        data = icons_json(npm_dir, prefix)
        w0, h0 = data.get("width", 16), data.get("height", 16)
        picked: dict[str, list[tuple[str, str]]] = {"close": [], "skip": [], "negative": []}
        sound_only: list[tuple[str, str]] = []  # sound icons the name rules leave out (an x, "off", "slash")
        for name in sorted(data["icons"]):
            if "<mask" in data["icons"][name]["body"]:  # CairoSVG drops masks: a knocked-out x would be a plain disc
                continue
            c = classify(name, prefix)
            if c is not None:
                picked[c[0]].append((name, c[1]))
            elif is_sound(name):
                sound_only.append((name, "bare"))
        rng.shuffle(picked["negative"])
        rest = picked["negative"][negatives_per_set:]
        picked["negative"] = picked["negative"][:negatives_per_set] + [n for n in rest if is_sound(n[0])] + sound_only
        for role, named in picked.items():
            for name, kind in named:
                icon = data["icons"][name]
                jobs.append((prefix, name, role, kind, split, icon, icon.get("width", w0), icon.get("height", h0)))
    out.mkdir(parents=True, exist_ok=True)
    for prefix, name, role, kind, split, icon, w, h in tqdm(jobs, desc="icons", disable=not show_progress):
        rel = Path(prefix) / role / f"{name}.png"
        dest = out / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            png = cairosvg.svg2png(bytestring=_svg(icon["body"], w, h, MASK_PX).encode())
        except Exception as e:  # noqa: BLE001 - a malformed SVG body: leave that icon out, say which
            log.warning("icon %s:%s not rendered: %s", prefix, name, e)
            continue
        dest.write_bytes(png)
        with Image.open(dest) as im:
            if im.mode != "RGBA" or im.getchannel("A").getbbox() is None:
                dest.unlink()
                continue
        entries.append(IconEntry(prefix, name, role, kind, split, str(rel)))  # type: ignore[arg-type]
    index = {"sets": sets, "mask_px": MASK_PX, "icons": [e.__dict__ for e in entries]}
    (out / "index.json").write_text(json.dumps(index, indent=1))
    return entries


def load_icons(root: Path, split: IconSplit) -> list[IconEntry]:
    """The icons of ``split`` in the cache at ``root`` (none when it was never built)."""
    index = root / "index.json"
    if not index.is_file():
        return []
    data = json.loads(index.read_text())
    entries = [IconEntry(**e) for e in data["icons"]]
    bad = sorted({e.set for e in entries if _refused(e.set)})
    if bad:
        raise DatasetError(f"{index}: lists reserved icon sets {bad}; rebuild it with `closebot icons`")
    return [e for e in entries if e.split == split and (root / e.path).is_file()]
