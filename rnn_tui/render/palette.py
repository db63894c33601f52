"""Colour scales: values -> one of a few cached colours (or shade glyphs without colour).

A `ColorScale` maps a value in [vmin, vmax] to one of `levels` quantised colours taken
from a `Palette` (a few anchor colours, interpolated). Values outside the range are
clipped; NaN and ±inf get their own codes so they are drawn distinctly. Without colour
a code is a glyph: on a diverging scale the negative end is a heavy bar (▬), the positive
a full block (█), zero a dot (SIGNED_SHADES); on a sequential one shades from a dot up.

Palettes are colour-blind safe: a diverging blue-white-red one (ColorBrewer RdBu, the
9-class version, whose ends stay visible on a dark terminal) for signed values and a
sequential one (viridis) for values in [0, 1] such as probabilities and gates.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.style import Style

NAN = -2
"""Code of a NaN value."""
POSINF = -3
"""Code of +inf."""
NEGINF = -4
"""Code of -inf."""
BLANK = -1
"""Code of an empty cell (nothing drawn)."""

SHADES = "·░▒▓█"
"""Glyphs of a sequential scale from low to high, for consoles without colour. The
low end is a dot, not a space: a value at the bottom (a closed gate) stays visible and
is not mistaken for an empty cell."""
SIGNED_SHADES = "▬≡=-·░▒▓█"
"""Glyphs of a diverging scale from its low (negative) end to its high (positive) end:
minus-like bars, heavier the more negative (▬ ≡ = -), a dot around zero, shades the
more positive (░ ▒ ▓ █). Neither end is blank and no glyph serves both signs, so -0.98
and +0.98 look different without colour."""
SPECIAL_GLYPHS = {NAN: "?", POSINF: "+", NEGINF: "-", BLANK: " "}
"""The one-character mark of NaN, ±inf (and an empty cell): drawn in the cell with
colour and without, so a non-finite cell never looks like the end of a scale."""
SPECIAL_COLORS = {NAN: "#ff00ff", POSINF: "#ff8c00", NEGINF: "#00ffff"}
"""Colours that appear in no palette and stay apart from both ends of either: NaN
magenta, +inf orange (past RdBu's red, unlike viridis' yellow top), -inf cyan."""
MARK_COLOR = "#000000"
"""The mark drawn on a non-finite cell's colour (all three are bright)."""
SPECIAL_TEXTS = {
    NAN: ("nan", "?"),
    POSINF: ("+inf", "inf", "+∞", "∞", "+"),
    NEGINF: ("-inf", "-∞", "-"),
}
"""How NaN and ±inf are written, longest first (the first that fits is used); numpy's
spelling, with the sign of +inf so it is never read as a number."""


def special_code(value: float) -> int | None:
    """NAN, POSINF or NEGINF for a non-finite value, None for a finite one."""
    if math.isnan(value):
        return NAN
    if math.isinf(value):
        return POSINF if value > 0 else NEGINF
    return None


def special_text(code: int, width: int | None = None) -> str:
    """How a non-finite code is written in at most `width` characters (None: in full)."""
    texts = SPECIAL_TEXTS[code]
    if width is None:
        return texts[0]
    return next((text for text in texts if len(text) <= width), texts[-1][:width])


@dataclass(frozen=True)
class Palette:
    """A named list of anchor colours (hex), low to high, interpolated in RGB."""

    name: str
    stops: tuple[str, ...]
    diverging: bool = False

    def colors(self, levels: int) -> tuple[Color, ...]:
        """`levels` colours evenly spaced along the anchors (cached)."""
        return _interpolate(self.stops, levels)


DIVERGING = Palette(
    "RdBu",
    (
        "#2166ac",
        "#4393c3",
        "#92c5de",
        "#d1e5f0",
        "#f7f7f7",
        "#fddbc7",
        "#f4a582",
        "#d6604d",
        "#b2182b",
    ),
    diverging=True,
)
"""Blue (negative) - near white (zero) - red (positive); ColorBrewer RdBu, reversed."""

SEQUENTIAL = Palette(
    "viridis",
    (
        "#440154",
        "#472d7b",
        "#3b528b",
        "#2c728e",
        "#21918c",
        "#28ae80",
        "#5ec962",
        "#addc30",
        "#fde725",
    ),
)
"""Dark purple (low) - green - yellow (high); perceptually uniform."""


def _hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@lru_cache(maxsize=32)
def _interpolate(stops: tuple[str, ...], levels: int) -> tuple[Color, ...]:
    if levels < 2:
        raise ValueError(f"levels must be at least 2, not {levels}")
    anchors = np.array([_hex_to_rgb(s) for s in stops], dtype=float)  # (k, 3)
    positions = np.linspace(0.0, len(stops) - 1, levels)
    colors = []
    for p in positions:
        lo = min(int(math.floor(p)), len(stops) - 2)
        frac = p - lo
        rgb = anchors[lo] * (1 - frac) + anchors[lo + 1] * frac
        r, g, b = (int(round(c)) for c in rgb)
        colors.append(Color.from_rgb(r, g, b))
    return tuple(colors)


CONTRAST = 40.0
"""Colours closer than this (RGB distance) to the background are moved away from it."""


def _rgb_distance(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))


@lru_cache(maxsize=256)
def _against(colors: tuple[Color, ...], background: Color) -> tuple[Color, ...]:
    """The colours, those too close to `background` darkened (on a light background) or
    lightened (on a dark one) until they stand out from it."""
    bg = tuple(background.get_truecolor())
    light = (0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2]) > 127
    target = (0, 0, 0) if light else (255, 255, 255)
    out = []
    for color in colors:
        rgb = tuple(color.get_truecolor())
        if _rgb_distance(rgb, bg) < CONTRAST:
            for _ in range(10):  # 10 % of the way at a time: the hue stays recognisable
                rgb = tuple(int(round(c + (t - c) * 0.1)) for c, t in zip(rgb, target, strict=True))
                if _rgb_distance(rgb, bg) >= CONTRAST:
                    break
            color = Color.from_rgb(*rgb)
        out.append(color)
    return tuple(out)


@lru_cache(maxsize=4096)
def cell_style(fg: Color | None, bg: Color | None) -> Style:
    """The cached Style of one half-block cell (foreground = upper, background = lower)."""
    return Style(color=fg, bgcolor=bg)


class ColorScale:
    """Maps values to `levels` quantised colours of a palette between vmin and vmax.

    `codes(values)` gives, for an array of any shape, the level index (0 .. levels-1)
    of each value, or NAN / POSINF / NEGINF. `color(code)` and `glyph(code)` say how
    a code is drawn with and without colour.
    """

    def __init__(
        self,
        vmin: float = -1.0,
        vmax: float = 1.0,
        palette: Palette = DIVERGING,
        levels: int = 21,
    ) -> None:
        if not (math.isfinite(vmin) and math.isfinite(vmax)):
            raise ValueError(f"vmin and vmax must be finite, not {vmin!r}, {vmax!r}")
        if not vmax > vmin:
            raise ValueError(f"vmax must be greater than vmin, not {vmin!r} >= {vmax!r}")
        if levels < 2:
            raise ValueError(f"levels must be at least 2, not {levels}")
        self.vmin = float(vmin)
        self.vmax = float(vmax)
        self.palette = palette
        self.levels = int(levels)
        self.colors = palette.colors(self.levels)

    def __repr__(self) -> str:
        return (
            f"ColorScale({self.vmin:g}, {self.vmax:g}, palette={self.palette.name!r}, "
            f"levels={self.levels})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ColorScale):
            return NotImplemented
        return (self.vmin, self.vmax, self.palette, self.levels) == (
            other.vmin,
            other.vmax,
            other.palette,
            other.levels,
        )

    def __hash__(self) -> int:
        return hash((self.vmin, self.vmax, self.palette, self.levels))

    def against(self, background: Color | None) -> ColorScale:
        """This scale with the colours that would vanish into `background` (a near-white
        zero on a white theme) moved away from it; itself when background is None."""
        if background is None or background.is_default:
            return self
        scale = copy.copy(self)
        scale.colors = _against(self.colors, background)
        return scale

    @classmethod
    def symmetric(cls, values: float | np.ndarray, *, levels: int = 21) -> ColorScale:
        """A diverging scale [-m, m], m = the largest finite |value| (1 if none or 0).
        `values` is a limit or an array of any shape."""
        array = np.asarray(values, dtype=float)
        finite = np.abs(array[np.isfinite(array)])
        limit = float(finite.max()) if finite.size else 0.0
        if limit == 0.0:
            limit = 1.0
        return cls(-limit, limit, DIVERGING, levels)

    @classmethod
    def unit(cls, *, levels: int = 21) -> ColorScale:
        """A sequential scale [0, 1] for probabilities and gate activations."""
        return cls(0.0, 1.0, SEQUENTIAL, levels)

    @property
    def center(self) -> float | None:
        """Zero when it lies inside the range of a diverging scale, else None."""
        if self.palette.diverging and self.vmin < 0.0 < self.vmax:
            return 0.0
        return None

    def fraction(self, values: np.ndarray | float) -> np.ndarray:
        """Where each value lies in the range, 0 at vmin and 1 at vmax, clipped (±inf
        to the ends; NaN stays NaN). Clipped before the arithmetic, so 1e308 on a scale
        [-1, 1] is at the top, not lost to overflow; a range of ±1e308, whose width is
        inf, is measured from its middle in half-widths."""
        v = np.asarray(values, dtype=float)
        span = self.vmax - self.vmin
        with np.errstate(invalid="ignore", over="ignore"):
            clipped = np.clip(v, self.vmin, self.vmax)
            if math.isfinite(span):
                return (clipped - self.vmin) / span
            middle, half = self.vmin / 2 + self.vmax / 2, self.vmax / 2 - self.vmin / 2
            return ((clipped - middle) / half + 1.0) / 2.0

    def at(self, fractions: np.ndarray) -> np.ndarray:
        """The values at `fractions` of the range (the inverse of `fraction`)."""
        f = np.asarray(fractions, dtype=float)
        span = self.vmax - self.vmin
        if math.isfinite(span):
            return self.vmin + f * span
        middle, half = self.vmin / 2 + self.vmax / 2, self.vmax / 2 - self.vmin / 2
        return middle + (f * 2 - 1) * half

    def codes(self, values: np.ndarray) -> np.ndarray:
        """Level index of each value, clipped to the range; NAN, POSINF or NEGINF for
        the non-finite ones. values: any shape -> int array of the same shape."""
        v = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            scaled = self.fraction(v) * (self.levels - 1)
            finite = np.isfinite(scaled)
            level = np.rint(np.clip(np.where(finite, scaled, 0.0), 0, self.levels - 1))
        out = level.astype(int)
        out[np.isnan(v)] = NAN
        out[np.isposinf(v)] = POSINF
        out[np.isneginf(v)] = NEGINF
        return out

    def color(self, code: int) -> Color | None:
        """The colour of a code (None for BLANK)."""
        if code >= 0:
            return self.colors[code]
        if code == BLANK:
            return None
        return _special_color(code)

    def glyph(self, code: int) -> str:
        """The glyph of a code, for consoles without colour: SIGNED_SHADES on a
        diverging scale (its two ends differ), SHADES on a sequential one."""
        if code >= 0:
            shades = self.shades
            return shades[int(round(code / (self.levels - 1) * (len(shades) - 1)))]
        return SPECIAL_GLYPHS[code]

    @property
    def shades(self) -> str:
        """The glyphs this scale draws with, low to high, without colour."""
        return SIGNED_SHADES if self.palette.diverging else SHADES


@lru_cache(maxsize=8)
def _special_color(code: int) -> Color:
    return Color.parse(SPECIAL_COLORS[code])


@lru_cache(maxsize=8)
def mark_style(code: int) -> Style:
    """The style of a non-finite cell's mark: dark on its reserved colour, bold."""
    return Style(color=MARK_COLOR, bgcolor=_special_color(code), bold=True)


@lru_cache(maxsize=8)
def glyph_style(code: int) -> Style:
    """The style of a non-finite cell's mark drawn alone (half a line high): its
    reserved colour on the terminal's background, bold."""
    return Style(color=_special_color(code), bold=True)


def mark(code: int, width: int) -> str:
    """What a non-finite cell `width` characters wide shows: its text ("+inf") centred
    when it fits with a space either side, else its glyph in every character."""
    text = SPECIAL_TEXTS[code][0]
    if width >= len(text) + 2:
        return text.center(width)
    return SPECIAL_GLYPHS[code] * width


def format_value(value: float, width: int) -> str:
    """`value` in at most `width` characters, as precise as fits: "0.42", "-1.53",
    "12.3", "1e+03"; "nan", "+inf", "-inf" for the non-finite (shorter where narrow)."""
    code = special_code(value)
    if code is not None:
        return special_text(code, width)
    if value == 0:
        value = 0.0  # no "-0.00"
    for decimals in (2, 1, 0):
        text = f"{value:.{decimals}f}"
        if text in ("-0.00", "-0.0", "-0"):
            text = text[1:]
        if len(text) <= width:
            return text
    for digits in (1, 0):
        mantissa, exponent = f"{value:.{digits}e}".split("e")
        text = f"{mantissa}e{int(exponent)}"  # "1.2e5", "1e-7", "1e300"
        if len(text) <= width:
            return text
    return "#" * width


def format_tick(value: float) -> str:
    """A short label for a legend end: "-1", "0.5", "2.37", "1.2e+03"."""
    return f"{value:.3g}"
