"""Real material the generator draws from: fonts, icon-font glyphs, Japanese text and art, found on this machine.

Every source belongs to one *split*: ``train`` sources never appear in ``val`` screens and vice versa for the
held-out ones, so validation measures generalisation to fonts, icon sets and art the model has not seen.
The icon families reserved for the final evaluation (Phosphor, Tabler, Fluent, MingCute, Solar, Iconoir, Carbon,
TDesign, Majesticons, Akar, Humbleicons) are never used here.
"""

from __future__ import annotations

import functools
import gzip
import logging
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from detector.errors import DatasetError
from detector.synth.icons import is_sound, load_icons

log = logging.getLogger(__name__)

Split = Literal["train", "val"]
FONT_ROOT = Path("/usr/share/fonts")

# Japanese fonts whose path contains one of these go to the validation split only.
JA_VAL_FONTS = ("takao", "motoya", "kiloji", "NotoSerifCJK-SemiBold", "NotoSansCJK-Medium", "aoyagi-soseki")
LATIN_VAL_FONTS = ("lato", "open-sans", "freefont")
ART_VAL_DIRS = (
    "/usr/share/wallpapers/Opal",
    "/usr/share/wallpapers/Path",
    "/usr/share/wallpapers/Kite",
    "frozen-bubble",
    "/portraits/humans",
    "openclipart/png/animals",
    "pingus",
)

ART_ROOTS = (
    "/usr/share/backgrounds",
    "/usr/share/wallpapers",
    "/usr/share/games/wesnoth",
    "/usr/share/games/supertux2",
    "/usr/share/games/pingus",
    "/usr/share/games/frozen-bubble",
    "/usr/share/games/freeciv",
    "/usr/share/openclipart/png",
)
# FreeType refuses their hinting ("invalid opcode") at some sizes; found by rendering every font at 13/40/97 px.
BROKEN_FONTS = ("ume-pgs4.ttf", "ume-pgs5.ttf", "ume-tgs5.ttf")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


@dataclass(frozen=True)
class Glyph:
    """One icon from an icon font (``font`` and ``char``) or an icon set's rendered mask (``font`` is the PNG and
    ``char`` is empty); ``kind`` tells a whole button (``circle``, ``square``) from a bare mark."""

    font: str
    char: str
    role: Literal["close", "skip", "negative"]
    kind: Literal["bare", "circle", "square"] = "bare"
    name: str = ""


# Icon fonts shipped by Debian packages. Codepoints checked against each font's cmap (scripts/ in git history).
_ICON_FONTS: dict[str, tuple[str, Split]] = {
    "mdi": ("truetype/materialdesignicons-webfont/materialdesignicons-webfont.ttf", "train"),
    "material": ("truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf", "train"),
    "fa4": ("truetype/font-awesome/fontawesome-webfont.ttf", "train"),
    "forkawesome": ("truetype/fork-awesome/forkawesome-webfont.ttf", "val"),
}
_GLYPHS: tuple[tuple[str, int, str, str, str], ...] = (
    # font, codepoint, role, kind, name
    ("mdi", 0xF156, "close", "bare", "close"),
    ("mdi", 0xF157, "close", "square", "close-box"),
    ("mdi", 0xF158, "close", "square", "close-box-outline"),
    ("mdi", 0xF159, "close", "circle", "close-circle"),
    ("mdi", 0xF15A, "close", "circle", "close-circle-outline"),
    ("mdi", 0xF15C, "close", "circle", "close-octagon"),
    ("mdi", 0xF15D, "close", "circle", "close-octagon-outline"),
    ("mdi", 0xF211, "skip", "bare", "fast-forward"),
    ("mdi", 0xF13E, "skip", "bare", "chevron-double-right"),
    ("mdi", 0xF415, "negative", "bare", "plus"),
    ("mdi", 0xF417, "negative", "circle", "plus-circle"),
    ("mdi", 0xF079, "negative", "bare", "battery"),
    ("mdi", 0xF13D, "negative", "bare", "chevron-double-left"),
    ("mdi", 0xF2C7, "negative", "bare", "hand-pointing-right"),
    ("mdi", 0xF1B7, "negative", "bare", "cursor-pointer"),
    ("material", 0xE5CD, "close", "bare", "close"),
    ("material", 0xE5C9, "close", "circle", "cancel"),
    ("material", 0xE888, "close", "circle", "highlight_off"),
    ("material", 0xE14C, "close", "bare", "clear"),
    ("material", 0xE01F, "skip", "bare", "fast_forward"),
    ("material", 0xE044, "skip", "bare", "skip_next"),
    ("material", 0xE145, "negative", "bare", "add"),
    ("material", 0xE04F, "negative", "bare", "volume_off"),
    ("material", 0xE050, "negative", "bare", "volume_up"),
    ("material", 0xE1A4, "negative", "bare", "battery_full"),
    ("material", 0xE63E, "negative", "bare", "wifi"),
    ("material", 0xE913, "negative", "bare", "touch_app"),
    ("material", 0xE925, "negative", "bare", "pan_tool"),
    ("material", 0xE838, "negative", "bare", "star"),
    ("material", 0xE037, "negative", "bare", "play_arrow"),
    ("material", 0xE020, "negative", "bare", "fast_rewind"),
    ("material", 0xE8B8, "negative", "bare", "settings"),
    ("material", 0xE88E, "negative", "bare", "info"),
    ("fa4", 0xF00D, "close", "bare", "times"),
    ("fa4", 0xF057, "close", "circle", "times-circle"),
    ("fa4", 0xF05C, "close", "circle", "times-circle-o"),
    ("fa4", 0xF2D3, "close", "square", "window-close"),
    ("fa4", 0xF050, "skip", "bare", "fast-forward"),
    ("fa4", 0xF051, "skip", "bare", "step-forward"),
    ("fa4", 0xF101, "skip", "bare", "angle-double-right"),
    ("fa4", 0xF04E, "skip", "bare", "forward"),
    ("fa4", 0xF067, "negative", "bare", "plus"),
    ("fa4", 0xF026, "negative", "bare", "volume-off"),
    ("fa4", 0xF028, "negative", "bare", "volume-up"),
    ("fa4", 0xF012, "negative", "bare", "signal"),
    ("fa4", 0xF240, "negative", "bare", "battery-full"),
    ("fa4", 0xF25A, "negative", "bare", "hand-pointer-o"),
    ("fa4", 0xF100, "negative", "bare", "angle-double-left"),
    ("fa4", 0xF049, "negative", "bare", "fast-backward"),
    ("forkawesome", 0xF00D, "close", "bare", "times"),
    ("forkawesome", 0xF057, "close", "circle", "times-circle"),
    ("forkawesome", 0xF05C, "close", "circle", "times-circle-o"),
    ("forkawesome", 0xF2D4, "close", "square", "window-close-o"),
    ("forkawesome", 0xF050, "skip", "bare", "fast-forward"),
    ("forkawesome", 0xF101, "skip", "bare", "angle-double-right"),
    ("forkawesome", 0xF067, "negative", "bare", "plus"),
    ("forkawesome", 0xF026, "negative", "bare", "volume-off"),
    ("forkawesome", 0xF25A, "negative", "bare", "hand-pointer-o"),
    ("forkawesome", 0xF1EB, "negative", "bare", "wifi"),
)

# Unicode characters that people use as close / skip marks, drawn from ordinary text fonts.
CLOSE_CHARS = "×✕✖✗✘╳xX⨯"
SKIP_TEXT_MARKS = ("»", "≫", ">>", "▶▶", "⏩", "⏭", "▸▸", "►►", "〉〉", "❯❯", "›")
# Characters that look like an x: Japanese ones are labelled ja_char, the rest stay unlabelled. No "×" among the ones
# drawn alone: a lone multiplication sign IS a bare close mark (an earlier version drew it alone, labelled ja_char, and
# the model learnt to tap such marks on game screens anyway); it appears only inside text (X_LIKE_INLINE, "×2").
X_LIKE_JA = "十乂区又文爻残者メジメ木本大入人火犬太丈"
X_LIKE_INLINE = X_LIKE_JA + "×"
# Never a lone "x", "×", "☓" or "⊗" here: drawn alone those ARE close marks, and an unlabelled one would teach the
# model that a bare x is sometimes not a close.
X_LIKE_OTHER = "+✚✛✜†‡*＊※⊕"
MAHJONG = "".join(chr(c) for c in range(0x1F000, 0x1F02C))

AD_PHRASES_JA = (
    "今すぐプレイ",
    "インストール",
    "無料で遊ぶ",
    "ダウンロード",
    "残り時間",
    "報酬を受け取る",
    "広告",
    "期間限定",
    "ログインボーナス",
    "ガチャ10連無料",
    "今すぐ始める",
    "大人気RPG",
    "100万人突破",
    "最強の勇者になれ",
    "事前登録受付中",
    "スキップ",
    "次へ",
    "ゲームを続ける",
    "プレイヤー",
    "区切り",
    "十連ガチャ",
    "参加者募集",
    "残り3回",
    "報酬を獲得",
    "ランキング1位",
    "新キャラ登場",
    "全員に配布",
    "爆速レベルアップ",
    "放置で強くなる",
    "友達招待",
    "確定",
    "限定スキン",
    "無課金",
    "文字",
    "又は",
    "本日限定",
    "者",
    "残",
    "ジ",
    "区",
    "十",
)
AD_PHRASES_LATIN = (
    "Install",
    "Play Now",
    "PLAY NOW",
    "Download",
    "Get it on Google Play",
    "FREE",
    "Open",
    "Learn more",
    "Continue",
    "Level 12",
    "x2",
    "x10",
    "+500",
    "1:22",
    "0:05",
    "Reward granted",
    "Ad",
    "AD",
    "Sponsored",
    "4.8 ★★★★★",
    "10M+ downloads",
    "Tap to play",
    "Best puzzle game 2026",
    "BONUS",
    "VIP",
    "×3",
    "12:45",
)
SKIP_WORDS = ("スキップ", "Skip", "SKIP", "Skip Ad", "広告をスキップ", "スキップする", "Skip ad", "SKIP AD", "次へ")
CLOSE_WORDS = ("閉じる", "Close", "CLOSE", "とじる")
# words on small pills that are neither close nor skip: the close pill's hard negatives
PILL_OTHER_WORDS = (
    "詳しくはこちら",
    "インストール",
    "今すぐプレイ",
    "もっと見る",
    "詳細",
    "広告",
    "無料",
    "開く",
    "Install",
    "Open",
    "Learn more",
    "GET",
    "Play",
    "Ad",
    "Info",
    "Sponsored",
)
_JA_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def is_japanese(ch: str) -> bool:
    """Kana or kanji: the characters the model learns as ``ja_char``."""
    return bool(_JA_RE.fullmatch(ch))


@dataclass(frozen=True)
class AssetPool:
    """Everything one split may use."""

    split: Split
    ja_fonts: tuple[str, ...]
    latin_fonts: tuple[str, ...]
    symbol_fonts: tuple[str, ...]
    glyphs: tuple[Glyph, ...]
    art: tuple[str, ...]
    ja_lines: tuple[str, ...]

    @functools.cached_property
    def glyphs_by_role(self) -> dict[str, tuple[Glyph, ...]]:
        """The glyphs of each role ("close", "skip", "negative"), in pool order; computed once per pool."""
        roles: dict[str, list[Glyph]] = {}
        for g in self.glyphs:
            roles.setdefault(g.role, []).append(g)
        return {role: tuple(gs) for role, gs in roles.items()}

    @functools.cached_property
    def sound_glyphs(self) -> tuple[Glyph, ...]:
        """Negative speaker / volume / mute icons: what a video ad's mute button is drawn from."""
        return tuple(g for g in self.glyphs_by_role.get("negative", ()) if is_sound(g.name))

    def describe(self) -> dict[str, int]:
        return {
            "ja_fonts": len(self.ja_fonts),
            "latin_fonts": len(self.latin_fonts),
            "symbol_fonts": len(self.symbol_fonts),
            "glyphs": len(self.glyphs),
            "art_images": len(self.art),
            "ja_text_lines": len(self.ja_lines),
        }


def _in_split(path: str, val_markers: tuple[str, ...], split: Split) -> bool:
    held_out = any(m.lower() in path.lower() for m in val_markers)
    return held_out if split == "val" else not held_out


def _fonts(patterns: tuple[str, ...]) -> list[str]:
    found: set[str] = set()
    for pattern in patterns:
        found.update(str(p) for p in FONT_ROOT.glob(pattern))
    return sorted(f for f in found if not f.endswith(BROKEN_FONTS))


def _ja_fonts() -> list[str]:
    globs = (
        "opentype/noto/Noto*CJK-*.ttc",
        "opentype/ipa*/*.ttf",
        "truetype/*/*.ttf",
        "truetype/*/*.ttc",
        "opentype/mplus/*.ttf",
        "truetype/fonts-japanese-*.ttf",
    )
    ja_dirs = (
        "CJK",
        "ipa",
        "takao",
        "vlgothic",
        "mplus",
        "motoya",
        "umefont",
        "umeplus",
        "kouzan",
        "komatuna",
        "seto",
        "aoyagi",
        "kiloji",
        "yozvox",
        "klee",
        "misaki",
        "droid",
        "fonts-japanese",
    )
    return [f for f in _fonts(globs) if any(d in f for d in ja_dirs)]


def _latin_fonts() -> list[str]:
    globs = (
        "truetype/dejavu/*.ttf",
        "truetype/liberation/*.ttf",
        "truetype/roboto/*/*.ttf",
        "truetype/lato/*.ttf",
        "truetype/open-sans/*.ttf",
        "opentype/cantarell/*.otf",
        "opentype/bebas-neue/*.otf",
        "opentype/comic-neue/*.otf",
        "truetype/freefont/*.ttf",
        "truetype/noto/NotoSans-*.ttf",
        "truetype/noto/NotoSerif-*.ttf",
        "truetype/quicksand/*.ttf",
    )
    return [f for f in _fonts(globs) if "Mono" not in f]


def _symbol_fonts() -> list[str]:
    return _fonts(
        (
            "truetype/ancient-scripts/Symbola*.ttf",
            "truetype/noto/NotoSansSymbols*-Regular.ttf",
            "truetype/dejavu/DejaVuSans.ttf",
            "truetype/dejavu/DejaVuSans-Bold.ttf",
            "truetype/freefont/FreeSerif.ttf",
        )
    )


def _art() -> list[str]:
    paths: list[str] = []
    for root in ART_ROOTS:
        base = Path(root)
        if not base.is_dir():
            continue
        for p in base.rglob("*"):
            if p.suffix.lower() in IMAGE_SUFFIXES and p.stat().st_size > 2500:
                paths.append(str(p))
    return sorted(paths)


def _strip_roff(line: str) -> str:
    line = re.sub(r"\\f[BIRP]|\\f\(..|\\\(..|\\-|\\&|\\e|\\\*\(..|\\s[+-]?\d", "", line)
    return line.replace("\\", "").strip()


def _ja_text_lines(limit: int = 20000) -> list[str]:
    lines: list[str] = []
    man = Path("/usr/share/man/ja")
    if man.is_dir():
        for page in sorted(man.rglob("*.gz")):
            try:
                with gzip.open(page, "rt", encoding="utf-8", errors="ignore") as f:
                    text = f.read()
            except OSError:
                continue
            for raw in text.splitlines():
                if raw.startswith((".", "'")) and not raw.startswith((".B ", ".I ")):
                    continue
                clean = _strip_roff(raw.removeprefix(".B ").removeprefix(".I "))
                if len(clean) >= 4 and sum(map(is_japanese, clean)) >= len(clean) * 0.5:
                    lines.append(clean)
            if len(lines) >= limit:
                break
    return lines


MIN_JA_FONTS = 5  # per split; the full package set gives 177 for training and 12 held out


def thin_assets(pools: list[AssetPool]) -> list[str]:
    """What makes these pools too thin to make training or evaluation data worth having (empty: nothing). A
    minimal machine (``scripts/setup.sh`` only) has one Japanese font family and no pictures: enough for tests, not
    for a model; ``scripts/data.sh`` installs the rest."""
    problems = []
    for pool in pools:
        if not pool.art:
            problems.append(f"{pool.split}: no pictures under {', '.join(ART_ROOTS[:2])}, ... (art packages missing)")
        if len(pool.ja_fonts) < MIN_JA_FONTS:
            problems.append(f"{pool.split}: {len(pool.ja_fonts)} Japanese fonts (want >= {MIN_JA_FONTS})")
    return problems


@functools.lru_cache(maxsize=4)
def load_pool(split: Split, icon_root: str | None = None) -> AssetPool:
    """Find every asset of ``split`` on this machine, plus the icon masks of ``split`` in ``icon_root`` (built by
    ``closebot icons``). Raises DatasetError when no Japanese or Latin font exists."""
    ja = [f for f in _ja_fonts() if _in_split(f, JA_VAL_FONTS, split)]
    latin = [f for f in _latin_fonts() if _in_split(f, LATIN_VAL_FONTS, split)]
    symbols = _symbol_fonts()
    glyphs = []
    for font_key, cp, role, kind, name in _GLYPHS:
        rel, font_split = _ICON_FONTS[font_key]
        path = FONT_ROOT / rel
        if path.is_file() and font_split == split:
            glyphs.append(Glyph(str(path), chr(cp), role, kind, f"{font_key}:{name}"))  # type: ignore[arg-type]
    if icon_root:
        root = Path(icon_root)
        for e in load_icons(root, split):
            glyphs.append(Glyph(str(root / e.path), "", e.role, e.kind, f"{e.set}:{e.name}"))
    art = [a for a in _art() if _in_split(a, ART_VAL_DIRS, split)]
    lines = _ja_text_lines()
    rng = random.Random(7)
    rng.shuffle(lines)
    cut = len(lines) // 5
    ja_lines = lines[cut:] if split == "train" else lines[:cut]
    if not ja:
        ja = [f for f in _ja_fonts()]  # a minimal machine has one Japanese font: share it rather than fail
    if not latin:
        latin = _latin_fonts()
    if not ja or not latin:
        raise DatasetError(
            "no Japanese or Latin font found under /usr/share/fonts: install fonts-ipafont-gothic and fonts-dejavu-core"
        )
    pool = AssetPool(
        split, tuple(ja), tuple(latin), tuple(symbols), tuple(glyphs), tuple(art), tuple(ja_lines) or AD_PHRASES_JA
    )
    log.info("asset pool %s: %s", split, pool.describe())
    return pool
