"""A tiny side-view figure model and the Pillow primitives that draw it.

Why a model and not hand-drawn art: every picture is then the same figure in the same style, a pose
is a handful of numbers that can be reviewed next to the exercise text, and an animation is simply
the same pose with one angle moving. Nothing here knows about exercises; `poses.py` does.

Coordinates. The model lives in "model units", y pointing up, the floor at y = 0, the figure
facing right (+x). A standing person is about 370 units tall. A `Canvas` maps model units to the
640×480 picture with a scale and an origin, so a close-up is the same model drawn larger.
Angles are in degrees, counter-clockwise from +x (0 = right, 90 = up, -90 = down).

Style. Limbs are solid, thick, round-ended strokes (a pictogram): the near side of the body in
dark ink, the far side in a lighter grey so two legs never merge into one, and every part ringed by
a thin gap of card colour so an arm in front of the body still reads as an arm. The muscle being
stretched or rubbed is painted in an accent colour on the near leg, where it is (the calf on the
back of the lower leg, the shin muscle on the front); arrows are blue. A hand lying on the dark
leg is drawn in outline instead, so it does not melt into it (close-ups, and `Arm.open_hand`).
Everything is drawn at `SUPERSAMPLE`× and shrunk with LANCZOS for smooth edges, then snapped to
one fixed palette so that the output bytes depend on nothing but this code (and the Pillow
version).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from PIL import Image, ImageDraw

Point = tuple[float, float]
Colour = tuple[int, int, int]

WIDTH = 640
HEIGHT = 480
SUPERSAMPLE = 3
CARD_MARGIN = 8
CARD_RADIUS = 30


def _hex(code: str) -> Colour:
    return (int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16))


# The whole palette. A light, warm card (not white: it is looked at in the dark, at night) on a dark
# frame reads on Telegram's light and dark themes alike.
FRAME = _hex("#27303A")
CARD = _hex("#F2EDE4")
INK = _hex("#2E3542")
FAR = _hex("#9AA3AE")
PROP = _hex("#B3A898")
PROP_FILL = _hex("#E0D7C9")
ACCENT = _hex("#EA6A47")
ARROW = _hex("#2F7FC8")
TOWEL = _hex("#DDA035")
CUSHION = _hex("#C9D6C4")
KEY_COLOURS: tuple[Colour, ...] = (
    FRAME,
    CARD,
    INK,
    FAR,
    PROP,
    PROP_FILL,
    ACCENT,
    ARROW,
    TOWEL,
    CUSHION,
)
# Anti-aliased edges are blends of two key colours; four steps per pair keep edges smooth and the
# palette within GIF's 256 entries (10 colours + 45 pairs × 4 = 190).
_BLEND_STEPS = 4

# Body proportions, in model units.
HEAD_R = 23.0
NECK = 8.0
TORSO = 118.0
TORSO_W = 38.0
THIGH = 96.0
THIGH_W = 30.0
SHANK = 92.0
SHANK_W = 24.0
UPPER_ARM = 62.0
UPPER_ARM_W = 19.0
FOREARM = 54.0
FOREARM_W = 16.0
HAND_R = 11.0
ANKLE_HEIGHT = 18.0  # ankle joint above the floor when the foot is flat
GAP = 4.0  # the card-coloured ring around each body part, in model units
OUTLINE = 5.0  # line width of hands drawn in outline, in design pixels

# The foot, in its own frame: u runs heel → toes, v points to the top of the foot.
# Three round shapes hulled together (ankle, heel, ball) and the toes as a short round stroke.
_ANKLE_R = 9.5
_HEEL = (-3.0, -8.0)
_HEEL_R = 10.0
_BALL = (28.0, -9.5)
_BALL_R = 8.0
_TOES_LENGTH = 11.0
_TOES_R = 6.5
_SHANK_ANKLE_R = 9.0  # the lower leg narrows from the knee to the ankle

Highlight = Literal["calf", "shin", "sole", "hamstring", "foot"]


# -- geometry ----------------------------------------------------------------------------------
def unit(angle: float) -> Point:
    """The unit vector at `angle` degrees."""
    radians = math.radians(angle)
    return (math.cos(radians), math.sin(radians))


def polar(origin: Point, angle: float, length: float) -> Point:
    """The point `length` away from `origin` in direction `angle`."""
    dx, dy = unit(angle)
    return (origin[0] + dx * length, origin[1] + dy * length)


def add(a: Point, b: Point, k: float = 1.0) -> Point:
    """a + k·b."""
    return (a[0] + k * b[0], a[1] + k * b[1])


def lerp(a: Point, b: Point, t: float) -> Point:
    """The point a fraction `t` of the way from a to b."""
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def angle_of(a: Point, b: Point) -> float:
    """Direction from a to b, in degrees."""
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))


def distance(a: Point, b: Point) -> float:
    """Euclidean distance."""
    return math.hypot(b[0] - a[0], b[1] - a[1])


def two_bone(root: Point, target: Point, first: float, second: float, bend: int) -> Point:
    """The middle joint (knee, elbow) of a two-segment limb whose end should reach `target`.

    `bend` is +1 to put the joint counter-clockwise of the root→target line (a knee bending
    forward when the figure faces right and the leg points down), -1 for the other side.
    """
    reach = distance(root, target)
    reach = min(max(reach, abs(first - second) + 1e-6), first + second - 1e-6)
    cos_root = (first**2 + reach**2 - second**2) / (2 * first * reach)
    offset = math.degrees(math.acos(max(-1.0, min(1.0, cos_root))))
    return polar(root, angle_of(root, target) + bend * offset, first)


def check_reach(root: Point, end: Point, length: float, what: str) -> None:
    """A limb that cannot reach is a mistake in the pose: fail the build rather than stretch it."""
    if distance(root, end) > length + 1.0:
        raise ValueError(
            f"{what} from {root} cannot reach {end}: {distance(root, end):.1f} > {length:.1f}"
        )


def arc(centre: Point, radius: float, start: float, end: float, steps: int = 24) -> list[Point]:
    """Points along a circular arc, from angle `start` to `end` (either direction)."""
    return [polar(centre, start + (end - start) * i / steps, radius) for i in range(steps + 1)]


# -- canvas ------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _frame_mask() -> Image.Image:
    """Opaque outside the rounded card: where the frame colour covers everything drawn."""
    size = (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE)
    mask = Image.new("L", size, 255)
    inset = CARD_MARGIN * SUPERSAMPLE
    ImageDraw.Draw(mask).rounded_rectangle(
        (inset, inset, size[0] - 1 - inset, size[1] - 1 - inset),
        radius=CARD_RADIUS * SUPERSAMPLE,
        fill=0,
    )
    return mask.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


@lru_cache(maxsize=1)
def palette_image() -> Image.Image:
    """The one fixed palette every picture and frame is snapped to (no dithering)."""
    colours: list[Colour] = list(KEY_COLOURS)
    for i, first in enumerate(KEY_COLOURS):
        for second in KEY_COLOURS[i + 1 :]:
            for step in range(1, _BLEND_STEPS + 1):
                t = step / (_BLEND_STEPS + 1)
                colours.append(
                    (
                        round(first[0] + (second[0] - first[0]) * t),
                        round(first[1] + (second[1] - first[1]) * t),
                        round(first[2] + (second[2] - first[2]) * t),
                    )
                )
    # Pad with the card colour rather than black, so no pixel can snap to an unused black entry.
    colours += [CARD] * (256 - len(colours))
    image = Image.new("P", (1, 1))
    image.putpalette([channel for colour in colours for channel in colour])
    return image


class Canvas:
    """A supersampled drawing surface addressed in model units.

    `scale` is design pixels per model unit; `origin` is where model (0, 0) lands, in design pixels
    (the 640×480 picture, y down). Widths and radii passed to the primitives are in design pixels,
    so arrows and props keep one stroke weight across close-ups; body parts multiply by `scale`.
    """

    __slots__ = ("_draw", "_image", "origin", "scale")

    def __init__(self, scale: float = 1.0, origin: Point = (320.0, 440.0)) -> None:
        self.scale = scale
        self.origin = origin
        self._image = Image.new("RGB", (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE), CARD)
        self._draw = ImageDraw.Draw(self._image)

    # coordinates
    def px(self, point: Point) -> tuple[float, float]:
        """Model point → supersampled pixel."""
        return (
            (self.origin[0] + point[0] * self.scale) * SUPERSAMPLE,
            (self.origin[1] - point[1] * self.scale) * SUPERSAMPLE,
        )

    def model(self, x: float, y: float) -> Point:
        """Design pixel → model point (to place things relative to the card's edges)."""
        return ((x - self.origin[0]) / self.scale, (self.origin[1] - y) / self.scale)

    def units(self, design_px: float) -> float:
        """A length in design pixels, expressed in model units."""
        return design_px / self.scale

    # primitives (widths and radii in design pixels)
    def disc(self, centre: Point, radius: float, colour: Colour) -> None:
        """A filled circle."""
        x, y = self.px(centre)
        r = radius * SUPERSAMPLE
        self._draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)

    def tapered(self, a: Point, ra: float, b: Point, rb: float, colour: Colour) -> None:
        """Two circles and the band tangent to both: a stroke that narrows from a to b."""
        (ax, ay), (bx, by) = self.px(a), self.px(b)
        ra, rb = ra * SUPERSAMPLE, rb * SUPERSAMPLE
        length = math.hypot(bx - ax, by - ay)
        if length > abs(ra - rb):
            theta = math.atan2(by - ay, bx - ax)
            phi = math.acos((ra - rb) / length)
            band = []
            for side in (phi, -phi):
                cx, cy = math.cos(theta + side), math.sin(theta + side)
                band.append(((ax + ra * cx, ay + ra * cy), (bx + rb * cx, by + rb * cy)))
            (a1, b1), (a2, b2) = band
            self._draw.polygon([a1, b1, b2, a2], fill=colour)
        for x, y, r in ((ax, ay, ra), (bx, by, rb)):
            self._draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)

    def capsule(self, a: Point, b: Point, width: float, colour: Colour) -> None:
        """A straight stroke with round ends."""
        self.tapered(a, width / 2, b, width / 2, colour)

    def polyline(self, points: Sequence[Point], width: float, colour: Colour) -> None:
        """A stroke through several points, with round joins and ends."""
        for a, b in pairwise(points):
            self.capsule(a, b, width, colour)

    def polygon(self, points: Sequence[Point], colour: Colour, rounding: float = 0.0) -> None:
        """A filled polygon; `rounding` softens its corners with a same-colour rim that wide."""
        self._draw.polygon([self.px(p) for p in points], fill=colour)
        if rounding > 0:
            self.polyline([*points, points[0]], rounding, colour)

    def box(
        self,
        low: Point,
        high: Point,
        radius: float,
        colour: Colour,
        outline: Colour | None = None,
        width: float = 3.0,
    ) -> None:
        """An axis-aligned rounded rectangle between two model corners."""
        (x1, y1), (x2, y2) = self.px(low), self.px(high)
        self._draw.rounded_rectangle(
            (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)),
            radius=radius * SUPERSAMPLE,
            fill=colour,
            outline=outline,
            width=round(width * SUPERSAMPLE) if outline else 0,
        )

    def dashed(
        self, points: Sequence[Point], width: float, colour: Colour, dash: float, gap: float
    ) -> None:
        """A dashed polyline; dash and gap lengths are measured along the path."""
        period = dash + gap
        travelled = 0.0
        for a, b in pairwise(points):
            length = distance(self.px(a), self.px(b)) / SUPERSAMPLE
            start = 0.0
            while start < length:
                phase = (travelled + start) % period
                if phase < dash:
                    end = min(length, start + dash - phase)
                    self.capsule(
                        lerp(a, b, start / length), lerp(a, b, end / length), width, colour
                    )
                else:
                    end = min(length, start + period - phase)
                start = end
            travelled += length

    def arrow(
        self,
        points: Sequence[Point],
        colour: Colour = ARROW,
        width: float = 9.0,
        head: float = 24.0,
        both: bool = False,
    ) -> None:
        """A thick arrow along `points` (two or more), head at the last (and first, if `both`)."""
        shaft = list(points)
        # Stop the shaft inside the head so its round end does not poke through the tip.
        back = self.units(head * 0.6)
        shaft[-1] = polar(points[-1], angle_of(points[-1], points[-2]), back)
        ends = [(points[-2], points[-1])]
        if both:
            shaft[0] = polar(points[0], angle_of(points[0], points[1]), back)
            ends.append((points[1], points[0]))
        self.polyline(shaft, width, colour)
        length = self.units(head)
        for before, tip in ends:
            direction = angle_of(before, tip)
            left = polar(tip, direction + 152, length)
            right = polar(tip, direction - 152, length)
            self.polygon([tip, left, right], colour, rounding=3.0)

    def arc_arrow(
        self,
        centre: Point,
        radius: float,
        start: float,
        end: float,
        width: float = 9.0,
        both: bool = False,
    ) -> None:
        """A curved arrow around `centre` (radius in model units) from angle `start` to `end`."""
        self.arrow(arc(centre, radius, start, end), ARROW, width, both=both)

    # output
    def image(self) -> Image.Image:
        """The finished 640×480 picture: downsampled, framed, snapped to the fixed palette."""
        # reducing_gap: Pillow first box-reduces 3× → 2×, then LANCZOS does the rest; the same
        # look at half the cost, which keeps the build (and its test) fast.
        small = self._image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS, reducing_gap=1.5)
        small.paste(FRAME, (0, 0, WIDTH, HEIGHT), _frame_mask())
        return small.quantize(palette=palette_image(), dither=Image.Dither.NONE)


# -- the body ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Leg:
    """A leg reaching for an ankle position, with the foot at an absolute angle.

    `foot` is the heel→toe direction (0 = flat on the floor, facing right). `yaw` turns the foot
    out of the picture (degrees), drawn with an oblique projection so ankle circles read as
    circles. `toes` bends the toes up (positive) or curls them under (negative) at the ball of
    the foot. `bend` picks the side the knee goes (+1: forward, for a leg pointing down).
    """

    ankle: Point
    foot: float = 0.0
    bend: int = 1
    yaw: float = 0.0
    toes: float = 0.0


@dataclass(frozen=True, slots=True)
class Arm:
    """An arm reaching for a hand position; `bend` picks the side the elbow goes.

    `open_hand` draws the hand in outline (light inside a line of the arm's colour), for a hand
    lying on the dark leg, where a solid one would melt into it.
    """

    hand: Point
    bend: int = -1
    open_hand: bool = False


@dataclass(frozen=True, slots=True)
class Body:
    """A whole figure: hip joint, torso direction, head tilt, and up to two legs and two arms.

    The near limbs are drawn in ink, in front; the far limbs in grey, behind the torso. A limb left
    as None is not drawn (hidden behind the body, or off the card in a close-up). `highlight`
    paints those parts of the near leg in the accent colour.
    """

    hip: Point
    torso: float = 90.0
    head: float = 0.0
    near_leg: Leg | None = None
    far_leg: Leg | None = None
    near_arm: Arm | None = None
    far_arm: Arm | None = None
    highlight: frozenset[Highlight] = field(default_factory=frozenset)
    show_torso: bool = True

    @property
    def neck(self) -> Point:
        """Top of the torso (base of the neck)."""
        return polar(self.hip, self.torso, TORSO)

    @property
    def shoulder(self) -> Point:
        """The shoulder joint, a little below the top of the torso."""
        return polar(self.hip, self.torso, TORSO - 10)

    @property
    def head_centre(self) -> Point:
        """Centre of the head."""
        return polar(self.neck, self.torso + self.head, NECK + HEAD_R)

    def knee(self, leg: Leg) -> Point:
        """Knee joint of a leg of this body."""
        return two_bone(self.hip, leg.ankle, THIGH, SHANK, leg.bend)

    def elbow(self, arm: Arm) -> Point:
        """Elbow joint of an arm of this body."""
        return two_bone(self.shoulder, arm.hand, UPPER_ARM, FOREARM, arm.bend)


@dataclass(frozen=True, slots=True)
class FootShape:
    """Key points of a drawn foot, so props (a towel, a hand, an arrow) can hold on to it."""

    ankle: Point
    heel: Point
    ball: Point
    toes: Point
    toe_tip: Point
    ball_top: Point
    instep: Point
    sole: tuple[Point, Point]
    scale: float  # how much the heel→toe length is foreshortened by yaw (1 = not at all)


def foot_shape(leg: Leg) -> FootShape:
    """Geometry of the foot of `leg` (see the `_HEEL`, `_BALL`… constants for its frame)."""
    u_dir = unit(leg.foot)
    yaw = math.radians(leg.yaw)
    # Oblique projection, as in a cabinet drawing: the part of the foot turned out of the picture
    # is drawn shortened and slanted back from the heel→toe direction, so a circle of the toes
    # reads as a loop rather than a line.
    depth = unit(leg.foot + 150.0)
    u = add((u_dir[0] * math.cos(yaw), u_dir[1] * math.cos(yaw)), depth, 0.7 * math.sin(yaw))
    v = unit(leg.foot + 90)

    def at(local: Point) -> Point:
        a, b = local
        return (leg.ankle[0] + u[0] * a + v[0] * b, leg.ankle[1] + u[1] * a + v[1] * b)

    ball = at(_BALL)
    toes = polar(ball, angle_of((0.0, 0.0), u) + leg.toes, _TOES_LENGTH * math.hypot(*u))
    return FootShape(
        ankle=leg.ankle,
        heel=at(_HEEL),
        ball=ball,
        toes=toes,
        toe_tip=polar(toes, angle_of(ball, toes), _TOES_R),
        ball_top=at((_BALL[0], _BALL[1] + _BALL_R)),
        instep=at((13.0, 4.0)),
        sole=(at((1.0, -13.0)), at((27.0, -12.5))),
        scale=math.hypot(*u),
    )


def rest_on(leg: Leg, surface: float) -> Leg:
    """The same leg with its ankle moved up or down so the foot's lowest point touches `surface`.

    Whatever the foot's angle (flat, heel down and toes up, toes curled under), the foot then rests
    on the floor or the mattress instead of floating above it or sinking in.
    """
    shape = foot_shape(leg)
    lowest = min(
        shape.ankle[1] - _ANKLE_R,
        shape.heel[1] - _HEEL_R,
        shape.ball[1] - _BALL_R,
        shape.toes[1] - _TOES_R,
    )
    return replace(leg, ankle=(leg.ankle[0], leg.ankle[1] + surface - lowest))


def _foot(canvas: Canvas, shape: FootShape, colour: Colour, grow: float = 0.0) -> None:
    s = canvas.scale
    canvas.tapered(shape.ankle, _ANKLE_R * s + grow, shape.ball, _BALL_R * s + grow, colour)
    canvas.tapered(shape.heel, _HEEL_R * s + grow, shape.ball, _BALL_R * s + grow, colour)
    canvas.tapered(shape.ball, _BALL_R * s * 0.9 + grow, shape.toes, _TOES_R * s + grow, colour)


def foot_clearance(shape: FootShape, point: Point) -> float:
    """How far `point` is from the edge of the drawn foot (negative inside it), in model units.

    So a prop can be placed against the foot, touching it, rather than by eye.
    """
    parts = (
        (shape.ankle, _ANKLE_R, shape.ball, _BALL_R),
        (shape.heel, _HEEL_R, shape.ball, _BALL_R),
        (shape.ball, _BALL_R * 0.9, shape.toes, _TOES_R),
    )
    steps = 40
    return min(
        distance(point, lerp(a, b, i / steps)) - (ra + (rb - ra) * i / steps)
        for a, ra, b, rb in parts
        for i in range(steps + 1)
    )


def _calf(canvas: Canvas, knee: Point, ankle: Point, colour: Colour, grow: float = 0.0) -> None:
    """The calf muscle: a bulge on the back of the lower leg, just below the knee."""
    back = angle_of(knee, ankle) - 90
    s = canvas.scale
    canvas.tapered(
        polar(lerp(knee, ankle, 0.14), back, 5),
        12 * s + grow,
        polar(lerp(knee, ankle, 0.62), back, 2),
        9 * s + grow,
        colour,
    )


def _calf_accent(canvas: Canvas, knee: Point, ankle: Point) -> None:
    """The calf highlighted: the back half of the lower leg only, from the axis to the bulge.

    For a figure facing right, whether standing, sitting or lying on its back, the back of the
    lower leg is its knee→ankle direction turned 90° clockwise (standing: to the left; lying:
    down, toward the mattress). The accent stays behind the shank's axis, so the front of the
    lower leg (the shin) stays ink and the calf never reads as the whole lower leg.
    """
    back = angle_of(knee, ankle) - 90
    s = canvas.scale
    canvas.tapered(
        polar(lerp(knee, ankle, 0.17), back, 9),
        8 * s,
        polar(lerp(knee, ankle, 0.6), back, 5.5),
        5.5 * s,
        ACCENT,
    )


def _draw_leg(
    canvas: Canvas, hip: Point, leg: Leg, colour: Colour, highlight: frozenset[Highlight]
) -> None:
    check_reach(hip, leg.ankle, THIGH + SHANK, "leg")
    s = canvas.scale
    knee = two_bone(hip, leg.ankle, THIGH, SHANK, leg.bend)
    ankle = leg.ankle
    foot = foot_shape(leg)
    gap = GAP * s
    # A ring of card colour around the whole leg first, then the leg: it reads as in front.
    canvas.tapered(hip, THIGH_W * s / 2 + gap, knee, SHANK_W * s / 2 + 2 + gap, CARD)
    canvas.tapered(knee, SHANK_W * s / 2 + gap, ankle, _SHANK_ANKLE_R * s + gap, CARD)
    _calf(canvas, knee, ankle, CARD, gap)
    _foot(canvas, foot, CARD, gap)

    canvas.tapered(hip, THIGH_W * s / 2, knee, SHANK_W * s / 2 + 2, colour)
    canvas.tapered(knee, SHANK_W * s / 2, ankle, _SHANK_ANKLE_R * s, colour)
    _calf(canvas, knee, ankle, colour)
    if "calf" in highlight:
        _calf_accent(canvas, knee, ankle)
    _foot(canvas, foot, ACCENT if "foot" in highlight else colour)
    if "hamstring" in highlight:
        back = angle_of(hip, knee) - 90
        canvas.capsule(
            polar(lerp(hip, knee, 0.25), back, 5),
            polar(lerp(hip, knee, 0.8), back, 4),
            13 * s,
            ACCENT,
        )
    if "shin" in highlight:
        front = angle_of(knee, ankle) + 90
        canvas.capsule(
            polar(lerp(knee, ankle, 0.16), front, 4.5),
            polar(lerp(knee, ankle, 0.84), front, 4),
            10 * s,
            ACCENT,
        )
    if "sole" in highlight:
        canvas.capsule(*foot.sole, 7 * s, ACCENT)


def _draw_arm(canvas: Canvas, shoulder: Point, arm: Arm, colour: Colour) -> None:
    check_reach(shoulder, arm.hand, UPPER_ARM + FOREARM, "arm")
    s = canvas.scale
    elbow = two_bone(shoulder, arm.hand, UPPER_ARM, FOREARM, arm.bend)
    gap = GAP * s
    for grow, fill in ((gap, CARD), (0.0, colour)):
        canvas.tapered(shoulder, UPPER_ARM_W * s / 2 + grow, elbow, FOREARM_W * s / 2 + grow, fill)
        canvas.capsule(elbow, arm.hand, FOREARM_W * s + 2 * grow, fill)
        canvas.disc(arm.hand, HAND_R * s + grow, fill)
    if arm.open_hand:
        canvas.disc(arm.hand, HAND_R * s - OUTLINE, CARD)


def _draw_torso(canvas: Canvas, body: Body, colour: Colour) -> None:
    s = canvas.scale
    gap = GAP * s
    head = body.head_centre
    for grow, fill in ((gap, CARD), (0.0, colour)):
        canvas.tapered(body.hip, TORSO_W * s / 2 + grow, body.neck, TORSO_W * s * 0.45 + grow, fill)
        canvas.disc(head, HEAD_R * s + grow, fill)
    canvas.capsule(body.neck, polar(body.neck, body.torso + body.head, NECK + 6), 15 * s, colour)


def draw_body(canvas: Canvas, body: Body) -> None:
    """Draw the figure back to front: far leg, far arm, torso and head, near leg, near arm."""
    if body.far_leg is not None:
        _draw_leg(canvas, body.hip, body.far_leg, FAR, frozenset())
    if body.far_arm is not None:
        _draw_arm(canvas, body.shoulder, body.far_arm, FAR)
    if body.show_torso:
        _draw_torso(canvas, body, INK)
    if body.near_leg is not None:
        _draw_leg(canvas, body.hip, body.near_leg, INK, body.highlight)
    if body.near_arm is not None:
        _draw_arm(canvas, body.shoulder, body.near_arm, INK)


def outline_hand(canvas: Canvas, palm: Point, towards: float, thumb: Point | None = None) -> None:
    """A hand (and forearm, running off the card toward `towards`) in a close-up.

    Drawn in outline, light inside a dark line, so a hand on the dark leg or foot stays a hand and
    does not melt into it. `palm` is the middle of the hand; `thumb`, if given, is where the thumb
    presses.
    """
    s = canvas.scale
    elbow = polar(palm, towards, 260)
    wrist = polar(palm, towards, 16)
    fingers = polar(palm, towards + 180, 12)
    for grow, colour in ((OUTLINE + GAP * s, CARD), (OUTLINE, INK), (0.0, CARD)):
        canvas.tapered(elbow, FOREARM_W * s / 2 + grow, wrist, FOREARM_W * s / 2 + grow, colour)
        canvas.tapered(wrist, 12 * s + grow, palm, 14 * s + grow, colour)
        canvas.tapered(palm, 14 * s + grow, fingers, 12 * s + grow, colour)
        if thumb is not None:
            canvas.tapered(polar(palm, towards, 6), 7 * s + grow, thumb, 6.5 * s + grow, colour)


# -- props -------------------------------------------------------------------------------------
def floor(canvas: Canvas, y: float = 0.0) -> None:
    """A floor line across the whole card."""
    left, right = canvas.model(0, 0)[0], canvas.model(WIDTH, 0)[0]
    canvas.capsule((left, y - canvas.units(3)), (right, y - canvas.units(3)), 6, PROP)


def wall(canvas: Canvas, x: float) -> None:
    """A wall whose face is at `x`, filling the card to the right."""
    right = canvas.model(WIDTH + 20, 0)[0]
    top = canvas.model(0, -20)[1]
    canvas.box((x, 0), (right, top), 0, PROP_FILL)
    canvas.capsule((x, -2), (x, top), 6, PROP)


CHAIR_DEPTH = 96.0
CHAIR_BACK = 118.0


def chair(canvas: Canvas, front: float, seat: float = 112.0) -> Point:
    """A simple chair facing right, in side view; `front` is the seat's front edge.

    Only ever sat on: nobody in these pictures holds on to a chair back, which can tip (`wall`,
    `bed_end` and `table` are the things to hold). Returns the top of its back.
    """
    back = front - CHAIR_DEPTH
    canvas.capsule((front, 0), (front, seat), 8, PROP)
    canvas.capsule((back, 0), (back, seat + CHAIR_BACK), 8, PROP)
    canvas.capsule((front + 2, seat), (back, seat), 12, PROP)
    canvas.capsule((back, seat + CHAIR_BACK), (back + 12, seat + CHAIR_BACK), 12, PROP)
    return (back + 4, seat + CHAIR_BACK + 4)


def bed(
    canvas: Canvas,
    left: float,
    right: float,
    top: float = 100.0,
    headboard: bool = True,
) -> None:
    """A bed in side view: mattress from `left` to `right` with its top at `top`, on short legs."""
    canvas.box((left, top), (right, top - 40), 14, PROP_FILL, outline=PROP)
    canvas.capsule((left + 20, top - 40), (left + 20, 0), 10, PROP)
    canvas.capsule((right - 20, top - 40), (right - 20, 0), 10, PROP)
    if headboard:
        canvas.capsule((left - 4, 0), (left - 4, top + 100), 12, PROP)


def bed_end(canvas: Canvas, x: float, top: float = 100.0, board: float = 196.0) -> Point:
    """The foot of a bed, its solid footboard at `x` facing left, the mattress running off the card.

    Returns the top of the footboard, where a standing person in front of it can hold on.
    """
    right = canvas.model(WIDTH + 20, 0)[0]
    canvas.box((x, top), (right, top - 40), 14, PROP_FILL, outline=PROP)
    canvas.box((x, top + 16), (right, top - 6), 10, CUSHION, outline=PROP)  # the duvet
    canvas.capsule((x + 40, top - 40), (x + 40, 0), 10, PROP)
    canvas.box((x - 22, 0), (x + 6, board), 10, PROP_FILL, outline=PROP, width=4)
    return (x - 8, board)


def table(canvas: Canvas, left: float, top: float = 170.0) -> Point:
    """A heavy table in side view, its near edge at `left`, running off the card to the right.

    A thick top on thick legs: the solid furniture a person may hold on to (never a chair back,
    which can tip). Returns the near corner of the top.
    """
    right = canvas.model(WIDTH + 20, 0)[0]
    for leg in (left + 12, left + 190):
        canvas.box((leg, 0), (leg + 30, top - 20), 4, PROP_FILL, outline=PROP, width=4)
    canvas.box((left, top - 30), (right, top), 6, PROP_FILL, outline=PROP, width=4)
    return (left, top)


def cushion(canvas: Canvas, low: Point, high: Point) -> None:
    """A pillow or cushion between two model corners."""
    canvas.box(low, high, 16, CUSHION, outline=PROP)


def towel_roll(canvas: Canvas, centre: Point, radius: float) -> None:
    """A rolled towel seen end on (radius in model units): a round roll with its layers showing."""
    canvas.disc(centre, radius * canvas.scale, TOWEL)
    # The layers: a spiral from near the middle out to the rim, in card colour.
    turns = 2.25
    steps = 72
    spiral = [
        polar(centre, 90.0 - 360.0 * turns * i / steps, radius * (0.18 + 0.7 * i / steps))
        for i in range(steps + 1)
    ]
    canvas.polyline(spiral, 3.0, CARD)


def towel(canvas: Canvas, hand: Point, foot: FootShape) -> None:
    """A towel (or belt) from the hand, looped round the ball of the foot.

    Seen from the side, the near half of the loop runs from the hand across the side of the foot
    to the sole, and the loop shows as a band under the ball of the foot.
    """
    along = angle_of(foot.heel, foot.ball)
    under = polar(foot.ball, along - 90, _BALL_R + 4)
    band = (polar(under, along, -9), polar(under, along, 7))
    canvas.capsule(*band, 11, TOWEL)
    canvas.capsule(hand, lerp(*band, 0.4), 10, TOWEL)


def moon(canvas: Canvas) -> None:
    """A small crescent in the top-right corner: the sign of a bedtime (prevention) exercise."""
    centre = canvas.model(WIDTH - 58, 58)
    radius = canvas.units(20)
    # The crescent is the big disc minus a smaller one shifted up and right: trace the outer arc
    # the long way round between the two intersection points, then the inner arc back.
    bite, bite_radius = add(centre, (canvas.units(9), canvas.units(7))), canvas.units(17)
    gap = distance(centre, bite)
    towards = angle_of(centre, bite)
    half_outer = math.degrees(math.acos((radius**2 + gap**2 - bite_radius**2) / (2 * radius * gap)))
    half_inner = math.degrees(
        math.acos((bite_radius**2 + gap**2 - radius**2) / (2 * bite_radius * gap))
    )
    outer = arc(centre, radius, towards + half_outer, towards + 360 - half_outer, 40)
    inner = arc(bite, bite_radius, towards + 180 + half_inner, towards + 180 - half_inner, 24)
    canvas.polygon([*outer, *inner], TOWEL)


def trail(canvas: Canvas, points: Iterable[Point]) -> None:
    """A solid stroke: what the toe has just "written"."""
    canvas.polyline(list(points), 8, ARROW)
