"""One drawing per exercise: the position its steps describe, as a figure and a few props.

Each pose is a function of a phase t in [0, 1). Still pictures use one fixed phase; the movement
exercises (ankle circles, toe writing, ankle pumps, toes up) are looped animations over t, so the
picture and every frame come from the same few numbers. Each function quotes the step it draws,
so a reviewer can hold the picture against `content/exercises.yaml`.

Two framings, on purpose: a whole figure where the posture is the point (standing and holding on,
kneeling, sitting on a chair or in bed), and a close-up of the lower leg in bed where the foot is
the point (ankle movements, toes), because on a phone a whole figure's foot is a few pixels. The
arch massage is the one picture of the sole seen straight on: from the side, a thumb in the arch
cannot be seen.

Model units: a standing person is about 370 tall, the floor is y = 0, the figure faces right.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from bot.media.figure import (
    ACCENT,
    ARROW,
    CARD,
    CUSHION,
    GAP,
    INK,
    PROP,
    PROP_FILL,
    SHANK,
    THIGH,
    Arm,
    Body,
    Canvas,
    Highlight,
    Leg,
    Point,
    add,
    angle_of,
    arc,
    bed,
    chair,
    cushion,
    draw_body,
    floor,
    foot_shape,
    lerp,
    moon,
    motion_lines,
    outline_hand,
    polar,
    rest_on,
    towel,
    trail,
    two_bone,
    wall,
)

Draw = Callable[[float], Canvas]
MATTRESS = 100.0  # top of the mattress in whole-figure bed scenes
SEAT = 112.0  # chair seat height
STAND_HIP = 200.0  # hip height of someone standing with soft knees
REACH = 104.0  # how far a comfortably straight arm reaches, shoulder to hand


@dataclass(frozen=True, slots=True)
class Pose:
    """How to draw one exercise.

    `frames` > 1 makes it an animation of that many frames (t = i / frames), each shown for
    `frame_ms`. `still` is the phase drawn for the PNG: chosen so that the picture alone shows
    the position, with its arrow.
    """

    draw: Draw
    frames: int = 1
    frame_ms: int = 0
    still: float = 0.0

    @property
    def animated(self) -> bool:
        """True for a movement exercise, which also gets a looping GIF."""
        return self.frames > 1


def _hl(*parts: Highlight) -> frozenset[Highlight]:
    return frozenset(parts)


def _wave(t: float) -> float:
    """0 → 1 → 0 over one loop, easing in and out: a relaxed, unhurried movement."""
    return 0.5 - 0.5 * math.cos(2 * math.pi * t)


def _reach(shoulder: Point, toward: Point, length: float = REACH) -> Point:
    """Where a hand ends up when reaching from the shoulder toward something further away."""
    return polar(shoulder, angle_of(shoulder, toward), length)


def _shoulder(hip: Point, torso: float) -> Point:
    return Body(hip=hip, torso=torso).shoulder


def _on_floor(ankle_x: float, foot: float = 0.0, bend: int = 1, surface: float = 0.0) -> Leg:
    """A leg whose foot rests on the floor (or `surface`) with the ankle at `ankle_x`."""
    return rest_on(Leg(ankle=(ankle_x, surface + 20.0), foot=foot, bend=bend), surface)


def _standing(origin_x: float, scale: float = 1.0, floor_y: float = 442.0) -> Canvas:
    canvas = Canvas(scale, (origin_x, floor_y))
    floor(canvas)
    return canvas


# -- standing, holding on ----------------------------------------------------------------------
def _chair_in_front(canvas: Canvas, back_x: float) -> Point:
    """A chair in front of a standing person, its back toward them; returns the top of the back."""
    return chair(canvas, back_x + 96.0)


def _holding(top: Point) -> tuple[Arm, Arm]:
    """Both hands on the top of a chair back."""
    return Arm(add(top, (0.0, 8.0)), bend=-1), Arm(add(top, (6.0, 10.0)), bend=-1)


def _wall_stretch(bedtime: bool) -> Draw:
    def draw(t: float) -> Canvas:
        # "Hold on to the wall in front of you, both hands flat on it at shoulder height. Step the
        # cramping leg back. Keep that heel on the floor and the knee straight, and lean gently
        # toward the wall."
        canvas = _standing(250.0)
        wall(canvas, 172.0)
        hip = (20.0, 180.0)
        torso = 66.0
        shoulder = _shoulder(hip, torso)
        body = Body(
            hip=hip,
            torso=torso,
            near_leg=_on_floor(-72.0),
            far_leg=_on_floor(80.0),
            near_arm=Arm((160.0, shoulder[1] + 2), bend=-1),
            far_arm=Arm((160.0, shoulder[1] + 10), bend=-1),
            highlight=_hl("calf"),
        )
        draw_body(canvas, body)
        canvas.arc_arrow(hip, 196.0, 100.0, 76.0)
        if bedtime:
            moon(canvas)
        return canvas

    return draw


def _calf_stand_on_leg(t: float) -> Canvas:
    # "Hold on to something steady, like the bed end, a chair back or the wall. Put your weight on
    # the cramping leg, heel down, knee slightly bent."
    canvas = _standing(250.0)
    near_arm, far_arm = _holding(_chair_in_front(canvas, 84.0))
    body = Body(
        hip=(-4.0, STAND_HIP - 8),
        torso=84.0,
        near_leg=_on_floor(8.0),
        far_leg=_on_floor(-40.0, foot=-32.0),
        near_arm=near_arm,
        far_arm=far_arm,
        highlight=_hl("calf"),
    )
    draw_body(canvas, body)
    # Weight down into that leg.
    canvas.arrow([(-80.0, 260.0), (-80.0, 130.0)])
    return canvas


def _foot_stand_on(t: float) -> Canvas:
    # "Hold on to something steady ... Put your weight on the cramping foot, flat on the floor,
    # toes spread out."
    canvas = _standing(250.0)
    wall(canvas, 124.0)
    hip = (0.0, STAND_HIP - 4)
    shoulder = _shoulder(hip, 84.0)
    body = Body(
        hip=hip,
        torso=84.0,
        near_leg=_on_floor(6.0),
        far_leg=_on_floor(-40.0, foot=-32.0),
        near_arm=Arm((112.0, shoulder[1] - 4), bend=-1),
        far_arm=Arm((112.0, shoulder[1] + 4), bend=-1),
        highlight=_hl("foot"),
    )
    draw_body(canvas, body)
    canvas.arrow([(-80.0, 200.0), (-80.0, 70.0)])
    return canvas


def _shin_stretch_standing(t: float) -> Canvas:
    # "Hold on to something steady with both hands. Step the cramping foot behind you, rest the
    # top of the toes on the floor and press it gently down until the shin stretches."
    canvas = _standing(300.0)
    near_arm, far_arm = _holding(_chair_in_front(canvas, 74.0))
    near = rest_on(Leg(ankle=(-96.0, 40.0), foot=240.0, toes=-50.0, bend=1), 0.0)
    body = Body(
        hip=(0.0, STAND_HIP - 14),
        torso=86.0,
        near_leg=near,
        far_leg=_on_floor(8.0),
        near_arm=near_arm,
        far_arm=far_arm,
        highlight=_hl("shin"),
    )
    draw_body(canvas, body)
    canvas.arrow([add(near.ankle, (-14.0, 112.0)), add(near.ankle, (-14.0, 44.0))])
    return canvas


def _standing_hamstring(t: float) -> Canvas:
    # "Hold on to a chair back ... with one hand. Right leg: put the foot a small step forward,
    # heel down, toes up, knee straight. Bend the other knee a little. Lean forward from the hips,
    # back straight, until the back of the right thigh feels a gentle pull."
    canvas = _standing(250.0)
    top = _chair_in_front(canvas, 150.0)
    near = _on_floor(70.0, foot=24.0)
    hip_x = -22.0
    hip = (hip_x, near.ankle[1] + math.sqrt((THIGH + SHANK - 2) ** 2 - (70.0 - hip_x) ** 2))
    torso = 42.0
    knee = two_bone(hip, near.ankle, THIGH, SHANK, near.bend)
    body = Body(
        hip=hip,
        torso=torso,
        near_leg=near,
        far_leg=_on_floor(-30.0),
        near_arm=Arm(polar(lerp(hip, knee, 0.55), angle_of(hip, knee) + 90, 17), bend=-1),
        far_arm=Arm(add(top, (0.0, 8.0)), bend=-1),
        highlight=_hl("hamstring", "calf"),
    )
    draw_body(canvas, body)
    canvas.arc_arrow(hip, 192.0, 70.0, 44.0)
    moon(canvas)
    return canvas


def _toes_up_standing(t: float) -> Canvas:
    # "Hold on to something steady with both hands. Keep both heels down and the cramping leg
    # straight, and lift the toes and front of that foot off the floor." Animated: lift, lower.
    canvas = _standing(270.0)
    near_arm, far_arm = _holding(_chair_in_front(canvas, 92.0))
    near = _on_floor(14.0, foot=34.0 * _wave(t))
    body = Body(
        hip=(4.0, STAND_HIP - 4),
        torso=86.0,
        near_leg=near,
        far_leg=_on_floor(-12.0),
        near_arm=near_arm,
        far_arm=far_arm,
        highlight=_hl("calf"),
    )
    draw_body(canvas, body)
    canvas.arc_arrow(near.ankle, 66.0, 4.0, 46.0, width=8.0)
    return canvas


def _circle(t: float) -> tuple[float, float]:
    """Foot pitch and yaw (degrees) at phase t of an ankle circle."""
    angle = 2 * math.pi * t
    return 26.0 * math.sin(angle), 40.0 * math.cos(angle)


def _letters(t: float) -> tuple[float, float]:
    """Foot pitch and yaw for toe writing: a looping, letter-like scribble, never real letters."""
    angle = 2 * math.pi * t
    return 18.0 * math.sin(2 * angle) + 9.0 * math.sin(angle), 38.0 * math.sin(3 * angle + 0.6)


def _turned(leg: Leg, pitch: float, yaw: float) -> Leg:
    """`leg` with its foot turned from rest by pitch (in the picture) and yaw (out of it)."""
    return replace(leg, foot=leg.foot + pitch, yaw=yaw)


def _toe_path(canvas: Canvas, rest: Leg, path: Callable[[float], tuple[float, float]]) -> None:
    """The loop the big toe draws, dashed, with an arrowhead showing which way it goes."""
    points = [foot_shape(_turned(rest, *path(i / 48))).toe_tip for i in range(49)]
    canvas.dashed(points, 5.0, ARROW, 9.0, 8.0)
    canvas.arrow(points[28:35], width=5.0, head=20.0)


def _ankle_circles_standing(t: float) -> Canvas:
    # "Hold on firmly with both hands to something steady, like a wall ... Put your weight on the
    # other foot and lift the sore foot just off the floor ... slowly draw big circles with your
    # toes." Animated: one circle.
    canvas = _standing(220.0)
    wall(canvas, 166.0)
    hip = (0.0, STAND_HIP + 2)
    torso = 70.0
    shoulder = _shoulder(hip, torso)
    rest = Leg(ankle=(74.0, 40.0), foot=-4.0, bend=1)
    body = Body(
        hip=hip,
        torso=torso,
        near_leg=_turned(rest, *_circle(t)),
        far_leg=_on_floor(-8.0),
        near_arm=Arm((152.0, shoulder[1] - 6), bend=-1),
        far_arm=Arm((152.0, shoulder[1] + 2), bend=-1),
    )
    draw_body(canvas, body)
    # On a whole figure the toe's own loop is too small to see: a round arrow says "circles".
    canvas.arc_arrow(foot_shape(rest).toe_tip, 30.0, 150.0, 150.0 - 300.0, width=7.0)
    return canvas


# -- walking and getting up --------------------------------------------------------------------
def _dresser(canvas: Canvas, left: float, right: float, top: float) -> None:
    """A chest of drawers: something waist-high to keep a hand on."""
    canvas.box((left, 10.0), (right, top), 8, PROP_FILL, outline=PROP)
    for level in (top / 3, 2 * top / 3):
        canvas.capsule((left, level), (right, level), 4, PROP)
    for level in (top / 6, top / 2, 5 * top / 6):
        canvas.disc(((left + right) / 2, level), 6, PROP)


def _walk_it_off(t: float) -> Canvas:
    # "Walk slowly for about a minute, rolling through the whole foot. Stay close to something you
    # can grab": mid-stride beside a chest of drawers, a hand on it.
    canvas = _standing(250.0)
    _dresser(canvas, -240.0, 120.0, 184.0)
    hip = (0.0, STAND_HIP - 10)
    body = Body(
        hip=hip,
        torso=86.0,
        near_leg=_on_floor(58.0, foot=16.0),
        far_leg=_on_floor(-52.0, foot=-36.0),
        near_arm=Arm((44.0, 196.0), bend=-1),
        far_arm=Arm((-34.0, 212.0), bend=1),
    )
    draw_body(canvas, body)
    canvas.arrow([(110.0, 290.0), (210.0, 290.0)])
    return canvas


def _stand_from_sitting(t: float) -> Canvas:
    # "Sit on the edge of the bed ... both feet on the floor ... Hold on to something steady, like
    # the bed end, a chair back or the wall, and stand up slowly." The moment the hips leave the
    # bed, hands on a chair back; the arrow is the way up.
    canvas = _standing(250.0)
    bed(canvas, -420.0, 6.0, top=112.0, headboard=False)
    near_arm, far_arm = _holding(_chair_in_front(canvas, 150.0))
    hip = (6.0, 146.0)
    body = Body(
        hip=hip,
        torso=54.0,
        near_leg=_on_floor(72.0),
        far_leg=_on_floor(60.0),
        near_arm=near_arm,
        far_arm=far_arm,
        highlight=_hl("calf"),
    )
    draw_body(canvas, body)
    canvas.arrow(arc((90.0, 140.0), 140.0, 178.0, 124.0))
    return canvas


# -- sitting on a chair ------------------------------------------------------------------------
def _seated(origin_x: float) -> Canvas:
    canvas = _standing(origin_x)
    chair(canvas, 40.0, seat=SEAT)
    return canvas


def _calf_point(knee: Point, ankle: Point, along: float, out: float) -> Point:
    """A point beside the lower leg: behind it (calf side) for out > 0, in front for out < 0."""
    return polar(lerp(knee, ankle, along), angle_of(knee, ankle) - 90, out)


def _seated_massage(on_bed: bool, front: bool, both_ways: bool) -> Draw:
    def draw(t: float) -> Canvas:
        # sit_down_and_massage: "Lower yourself slowly onto a chair or the edge of the bed. Rub the
        # cramping muscle with both hands, using slow, firm strokes."
        # calf_massage: "Rub the tight part of your calf with both hands, using slow, firm strokes
        # up toward the knee." shin_massage: "Rub the muscle just to the outer side of the
        # shinbone, with slow, firm strokes from ankle to knee." Sitting on the edge of the bed.
        canvas = Canvas(1.3, (250.0, 452.0))
        floor(canvas)
        seat = 118.0 if on_bed else SEAT
        if on_bed:
            bed(canvas, -440.0, 12.0, top=seat, headboard=False)
            cushion(canvas, (-180.0, seat - 2), (-100.0, seat + 26))
        else:
            chair(canvas, 40.0, seat=seat)
        hip = (0.0, seat + 15)
        near = _on_floor(88.0)
        knee = two_bone(hip, near.ankle, THIGH, SHANK, near.bend)
        side = -1.0 if front else 1.0
        low = 0.0 if on_bed else 0.08
        body = Body(
            hip=hip,
            torso=26.0 if on_bed else 30.0,
            near_leg=near,
            far_leg=_on_floor(76.0),
            near_arm=Arm(_calf_point(knee, near.ankle, 0.16 + low, 15.0 * side), bend=-1),
            far_arm=Arm(_calf_point(knee, near.ankle, 0.34 + low, 17.0 * side), bend=-1),
            highlight=_hl("shin" if front else "calf"),
        )
        draw_body(canvas, body)
        away = angle_of(knee, near.ankle) + 90 * (-1 if front else 1)
        offset = 42.0
        canvas.arrow(
            [
                polar(lerp(knee, near.ankle, 0.85), away, offset),
                polar(lerp(knee, near.ankle, 0.05), away, offset),
            ],
            both=both_ways,
        )
        return canvas

    return draw


def _chair_towel(t: float) -> Canvas:
    # bedtime_calf_seated: "Sit on the edge of a chair ... straighten [the leg], heel on the floor,
    # towel round the ball of the foot. Pull gently."
    canvas = _seated(190.0)
    hip = (6.0, SEAT + 15)
    torso = 82.0
    near = _on_floor(150.0, foot=70.0)
    hand = _reach(_shoulder(hip, torso), foot_shape(near).ball_top)
    body = Body(
        hip=hip,
        torso=torso,
        near_leg=near,
        far_leg=_on_floor(96.0),
        near_arm=Arm(hand, bend=-1),
        far_arm=Arm(add(hand, (-4.0, 6.0)), bend=-1),
        highlight=_hl("calf"),
    )
    draw_body(canvas, body)
    towel(canvas, hand, foot_shape(near))
    canvas.arc_arrow(near.ankle, 84.0, 22.0, 64.0)
    moon(canvas)
    return canvas


def _chair_hamstring(t: float) -> Canvas:
    # bedtime_hamstring_seated: "Sit near the front edge of a chair ... stretch it out, heel down,
    # toes up. Sit tall and lean forward from the hips to a gentle pull."
    canvas = _seated(190.0)
    hip = (6.0, SEAT + 15)
    torso = 48.0
    near = _on_floor(152.0, foot=68.0)
    knee = two_bone(hip, near.ankle, THIGH, SHANK, near.bend)
    up = angle_of(hip, knee) + 90
    body = Body(
        hip=hip,
        torso=torso,
        near_leg=near,
        far_leg=_on_floor(96.0),
        near_arm=Arm(polar(lerp(hip, knee, 0.9), up, 18), bend=-1),
        far_arm=Arm(polar(lerp(hip, knee, 0.72), up, 20), bend=-1),
        highlight=_hl("hamstring"),
    )
    draw_body(canvas, body)
    canvas.arc_arrow(hip, 186.0, 76.0, 50.0)
    moon(canvas)
    return canvas


def _shake_leg(t: float) -> Canvas:
    # "Slowly bend and straighten the leg a few times, then give it a loose, gentle shake",
    # sitting on the edge of the bed.
    canvas = _standing(250.0)
    top = 118.0
    bed(canvas, -440.0, 14.0, top=top, headboard=False)
    cushion(canvas, (-190.0, top - 2), (-110.0, top + 26))
    hip = (0.0, top + 15)
    knee = polar(hip, -3.0, THIGH)
    swing = -50.0
    near = Leg(ankle=polar(knee, swing, SHANK - 0.5), foot=swing + 72, bend=1)
    body = Body(
        hip=hip,
        torso=92.0,
        near_leg=near,
        far_leg=_on_floor(92.0),
        near_arm=Arm((-26.0, top + 12), bend=1),
        far_arm=Arm((-16.0, top + 14), bend=1),
    )
    draw_body(canvas, body)
    canvas.arc_arrow(knee, SHANK + 46, -88.0, -22.0, both=True)
    motion_lines(canvas, polar(foot_shape(near).toes, swing + 72 + 90, 22), swing + 72)
    return canvas


# -- sitting up in bed -------------------------------------------------------------------------
def _in_bed() -> Canvas:
    """Sitting up in bed, against a pillow; the mattress top is at `MATTRESS`, the hip at x = 0."""
    canvas = Canvas(1.4, (140.0, 452.0))
    bed(canvas, -80.0, 400.0, top=MATTRESS)
    cushion(canvas, (-74.0, MATTRESS - 2), (-44.0, MATTRESS + 120))
    return canvas


BED_HIP = (0.0, MATTRESS + 15)


def _bed_towel(bedtime: bool) -> Draw:
    def draw(t: float) -> Canvas:
        # "Straighten the cramping leg and pull your toes toward your shin, with ... a towel ...
        # looped round the ball of the foot." (bedtime_calf_bed: "Sit up in bed with your legs out
        # straight ... loop the towel round the ball of the foot, knee straight. Pull gently.")
        canvas = _in_bed()
        torso = 80.0
        near = rest_on(Leg(ankle=(184.0, MATTRESS + 20), foot=104.0), MATTRESS)
        hand = _reach(_shoulder(BED_HIP, torso), foot_shape(near).ball_top)
        body = Body(
            hip=BED_HIP,
            torso=torso,
            near_leg=near,
            near_arm=Arm(hand, bend=-1),
            far_arm=Arm(add(hand, (-6.0, 8.0)), bend=-1),
            highlight=_hl("calf"),
        )
        draw_body(canvas, body)
        towel(canvas, hand, foot_shape(near))
        canvas.arc_arrow(near.ankle, 80.0, 26.0, 70.0)
        if bedtime:
            moon(canvas)
        return canvas

    return draw


def _bed_hamstring(t: float) -> Canvas:
    # "Lie on your back ... Bend your left knee and put that foot flat. Right leg: towel round the
    # foot, knee straight. Raise the leg until the back of the thigh feels a gentle pull."
    canvas = Canvas(1.12, (340.0, 452.0))
    top = 70.0
    bed(canvas, -292.0, 240.0, top=top)
    cushion(canvas, (-284.0, top - 2), (-150.0, top + 26))
    hip = (0.0, top + 15)
    thigh = 66.0
    near = Leg(ankle=polar(hip, thigh, THIGH + SHANK - 0.5), foot=thigh + 100, bend=-1)
    torso = 176.0
    hand = _reach(_shoulder(hip, torso), foot_shape(near).ball_top, 110.0)
    body = Body(
        hip=hip,
        torso=torso,
        head=6.0,
        near_leg=near,
        far_leg=_on_floor(92.0, surface=top),
        near_arm=Arm(hand, bend=1),
        far_arm=Arm(add(hand, (-6.0, -8.0)), bend=1),
        highlight=_hl("hamstring"),
    )
    draw_body(canvas, body)
    towel(canvas, hand, foot_shape(near))
    canvas.arc_arrow(hip, 150.0, 30.0, 54.0)
    moon(canvas)
    return canvas


# -- kneeling ----------------------------------------------------------------------------------
def _childs_pose(t: float) -> Canvas:
    # "Kneel, with a cushion or folded blanket under your knees. Big toes together ... Sit back
    # slowly toward your heels. Fold forward and rest your chest between your thighs, arms by your
    # sides, palms up."
    canvas = _standing(250.0, scale=1.9, floor_y=392.0)
    cushion(canvas, (14.0, -2.0), (96.0, 18.0))
    near = rest_on(Leg(ankle=(-36.0, 14.0), foot=182.0, bend=1), 0.0)
    body = Body(
        hip=(-26.0, 64.0),
        torso=-10.0,
        head=-28.0,
        near_leg=near,
        far_arm=Arm((-24.0, 12.0), bend=1),
        highlight=_hl("shin"),
    )
    draw_body(canvas, body)
    return canvas


# -- close-ups of the lower leg ----------------------------------------------------------------
CLOSE_SCALE = 2.2


def _closeup(hip: Point, ankle: Point, pillow: bool = False) -> Canvas:
    """A lower leg on the mattress (top at y = 0), up close; the blanket hides the hip."""
    canvas = Canvas(CLOSE_SCALE, (420.0, 374.0))
    canvas.box((-400.0, 0.0), (96.0, -200.0), 24, PROP_FILL, outline=PROP)
    if pillow:
        cushion(canvas, (-118.0, -2.0), (-16.0, 24.0))
    return canvas


LYING_HIP, LYING_ANKLE = (-186.0, 15.0), (0.0, 20.0)
PILLOW_HIP, PILLOW_ANKLE = (-184.0, 15.0), (0.0, 44.0)
BENT_HIP, BENT_ANKLE = (-168.0, 15.0), (0.0, 20.0)  # knee a little bent, to reach the leg


def _blanket(canvas: Canvas, hip: Point, leg: Leg) -> None:
    """A blanket over the thigh: says "in bed" and hides where the close-up cuts the leg off."""
    knee = two_bone(hip, leg.ankle, THIGH, SHANK, leg.bend)
    up = angle_of(hip, knee) + 90
    left = canvas.model(0, 0)[0] - 10
    ridge = polar(lerp(hip, knee, 0.28), up, 24)
    edge = polar(lerp(hip, knee, 0.5), up, 16)
    points = [(left, -2.0), (left, ridge[1] + 10), ridge, edge, (edge[0] + 22, -2.0)]
    canvas.polygon(points, CUSHION, rounding=20.0)
    canvas.polyline(points[1:-1], 3, PROP)
    canvas.capsule(lerp(ridge, edge, 0.5), (lerp(ridge, edge, 0.5)[0] + 6, 8.0), 3, PROP)


def _leg_only(canvas: Canvas, hip: Point, leg: Leg, highlight: frozenset[Highlight]) -> None:
    draw_body(canvas, Body(hip=hip, near_leg=leg, highlight=highlight, show_torso=False))
    _blanket(canvas, hip, leg)


def _toes_up(t: float) -> Canvas:
    # "With the leg out straight, heel resting down, pull your toes and the front of your foot up
    # toward your shin ... Let the foot relax back to resting, without pointing the toes."
    hip, ankle = LYING_HIP, LYING_ANKLE
    canvas = _closeup(hip, ankle)
    leg = rest_on(Leg(ankle=ankle, foot=84.0 + 28.0 * _wave(t)), 0.0)
    _leg_only(canvas, hip, leg, _hl("calf"))
    canvas.arc_arrow(leg.ankle, 70.0, 64.0, 124.0)
    return canvas


def _ankle_pumps(t: float) -> Canvas:
    # "Pull your toes up toward you, then point them gently away. That's one."
    hip, ankle = LYING_HIP, LYING_ANKLE
    canvas = _closeup(hip, ankle)
    leg = rest_on(Leg(ankle=ankle, foot=80.0 + 34.0 * math.cos(2 * math.pi * t)), 0.0)
    _leg_only(canvas, hip, leg, _hl())
    canvas.arc_arrow(leg.ankle, 72.0, 38.0, 124.0, both=True)
    return canvas


def _toes_pointed_down(t: float) -> Canvas:
    # "Sit or lie with the leg out in front of you and your heel resting down. Point your toes
    # softly away from you, the way a foot sits in a high-heeled shoe."
    hip, ankle = LYING_HIP, LYING_ANKLE
    canvas = _closeup(hip, ankle)
    leg = rest_on(Leg(ankle=ankle, foot=46.0), 0.0)
    _leg_only(canvas, hip, leg, _hl("shin"))
    canvas.arc_arrow(leg.ankle, 72.0, 96.0, 52.0)
    return canvas


def _ankle_circles(t: float) -> Canvas:
    # "In bed, a pillow under the calf lifts the heel clear. Turning only at the ankle, slowly
    # draw big circles with your toes." Animated: one slow circle.
    hip, ankle = PILLOW_HIP, PILLOW_ANKLE
    canvas = _closeup(hip, ankle, pillow=True)
    rest = Leg(ankle=ankle, foot=78.0)
    _toe_path(canvas, rest, _circle)
    _leg_only(canvas, hip, _turned(rest, *_circle(t)), _hl())
    return canvas


def _toe_writing(t: float) -> Canvas:
    # "Using your big toe as a pen, slowly write the alphabet in the air ... Move at the ankle, not
    # the knee." The toe runs along a looping scribble: what it has "written" so far is solid, the
    # rest of the way dashed, so the loop fills in like handwriting.
    hip, ankle = PILLOW_HIP, PILLOW_ANKLE
    canvas = _closeup(hip, ankle, pillow=True)
    rest = Leg(ankle=ankle, foot=78.0)
    steps = 60
    done = round(t * steps)
    points = [foot_shape(_turned(rest, *_letters(i / steps))).toe_tip for i in range(steps + 1)]
    canvas.dashed(points[done:], 4.0, ARROW, 6.0, 8.0)
    trail(canvas, [*points[: done + 1], foot_shape(_turned(rest, *_letters(t))).toe_tip])
    _leg_only(canvas, hip, _turned(rest, *_letters(t)), _hl())
    return canvas


def _toe_pull_back(t: float) -> Canvas:
    # "Bend your knee to reach the cramping foot, hold your toes and gently pull them back toward
    # your shin until the sole of the foot stretches."
    hip, ankle = BENT_HIP, BENT_ANKLE
    canvas = _closeup(hip, ankle)
    leg = rest_on(Leg(ankle=ankle, foot=96.0, toes=34.0), 0.0)
    _leg_only(canvas, hip, leg, _hl("sole"))
    foot = foot_shape(leg)
    along = angle_of(foot.ball, foot.toes)
    palm = polar(foot.toes, along - 90, 14)
    outline_hand(canvas, palm, 140.0, polar(palm, -112.0, 30))
    canvas.arc_arrow(leg.ankle, 82.0, 62.0, 118.0)
    return canvas


def _shin_stretch_seated(t: float) -> Canvas:
    # "Sitting where you can reach the foot, rest a hand on top of it and gently press the foot and
    # toes down, away from your shin."
    hip, ankle = BENT_HIP, BENT_ANKLE
    canvas = _closeup(hip, ankle)
    leg = rest_on(Leg(ankle=ankle, foot=22.0), 0.0)
    _leg_only(canvas, hip, leg, _hl("shin"))
    foot = foot_shape(leg)
    along = angle_of(foot.heel, foot.ball)
    palm = polar(foot.instep, along + 90, 14)
    outline_hand(canvas, palm, 140.0, polar(palm, 240.0, 28))
    canvas.arc_arrow(leg.ankle, 78.0, along + 36, along - 14)
    return canvas


def _arch_massage(t: float) -> Canvas:
    # "Press your thumbs into the arch and rub slowly from the heel toward the toes." The sole seen
    # straight on, toes up, a hand on each side and both thumbs pressing into the arch.
    canvas = Canvas(1.2, (290.0, 250.0))
    s = canvas.scale
    gap = GAP * s
    heel, heel_r = (6.0, -112.0), 40.0
    ball, ball_r = (-4.0, 50.0), 50.0
    toes = [
        (polar(ball, angle, ball_r + radius + 4), radius)
        for angle, radius in ((112.0, 19.0), (86.0, 13.0), (66.0, 12.0), (48.0, 11.0), (31.0, 10.0))
    ]
    for grow, colour in ((gap, CARD), (0.0, INK)):
        canvas.tapered(heel, heel_r * s + grow, ball, ball_r * s + grow, colour)
        for centre, radius in toes:
            canvas.disc(centre, radius * s + grow, colour)
    # The arch: the inner side of the sole, between heel and ball.
    canvas.tapered((-20.0, -62.0), 13 * s, (-24.0, 10.0), 17 * s, ACCENT)
    hands = (
        ((-64.0, -44.0), 236.0, (-22.0, -30.0)),
        ((52.0, 4.0), 282.0, (-12.0, 2.0)),
    )
    for palm, towards, thumb in hands:
        outline_hand(canvas, palm, towards, thumb)
    canvas.arrow([(120.0, -118.0), (120.0, 96.0)])
    return canvas


_POSES: dict[str, Pose] = {
    "calf_stretch_towel": Pose(_bed_towel(bedtime=False)),
    "calf_massage": Pose(_seated_massage(on_bed=True, front=False, both_ways=False)),
    "shake_leg_gently": Pose(_shake_leg),
    "calf_stand_on_leg": Pose(_calf_stand_on_leg),
    "calf_wall_stretch": Pose(_wall_stretch(bedtime=False)),
    "walk_it_off": Pose(_walk_it_off),
    "stand_from_sitting": Pose(_stand_from_sitting),
    "sit_down_and_massage": Pose(_seated_massage(on_bed=False, front=False, both_ways=True)),
    "toe_pull_back": Pose(_toe_pull_back),
    "arch_massage": Pose(_arch_massage),
    "foot_stand_on": Pose(_foot_stand_on),
    "shin_stretch_seated": Pose(_shin_stretch_seated),
    "shin_stretch_standing": Pose(_shin_stretch_standing),
    "shin_massage": Pose(_seated_massage(on_bed=True, front=True, both_ways=False)),
    "toes_pointed_down": Pose(_toes_pointed_down),
    "childs_pose": Pose(_childs_pose),
    "toes_up": Pose(_toes_up, frames=16, frame_ms=110, still=0.5),
    "toes_up_standing": Pose(_toes_up_standing, frames=16, frame_ms=110, still=0.5),
    "ankle_circles": Pose(_ankle_circles, frames=16, frame_ms=125, still=0.25),
    "ankle_circles_standing": Pose(_ankle_circles_standing, frames=16, frame_ms=125, still=0.25),
    "toe_writing": Pose(_toe_writing, frames=20, frame_ms=150, still=0.7),
    "ankle_pumps": Pose(_ankle_pumps, frames=16, frame_ms=110),
    "bedtime_calf_wall": Pose(_wall_stretch(bedtime=True)),
    "bedtime_hamstring_standing": Pose(_standing_hamstring),
    "bedtime_calf_seated": Pose(_chair_towel),
    "bedtime_hamstring_seated": Pose(_chair_hamstring),
    "bedtime_calf_bed": Pose(_bed_towel(bedtime=True)),
    "bedtime_hamstring_bed": Pose(_bed_hamstring),
}
POSES: Mapping[str, Pose] = MappingProxyType(_POSES)
