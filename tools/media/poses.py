"""One drawing per exercise: the position its steps describe, as a figure and a few props.

Each pose is a function of a phase t in [0, 1). Still pictures use one fixed phase; the movement
exercises (ankle circles, toe writing, ankle pumps) are looped animations over t, so the picture
and every frame come from the same few numbers. Each function quotes the step it draws, so a
reviewer can hold the picture against `content/exercises.yaml`. The rules the pictures keep, from
a clinical review: each shows what its step says and no more; the muscle stretched or rubbed is
highlighted where it is (the calf on the back of the lower leg, the shin muscle on the front);
hands are where the text puts them; anything held on to is heavy and fixed (a wall, the end of the
bed, a heavy table), never a chair back; nobody kicks, and no foot is shown pointed where the text
says not to point it.

Three framings, on purpose: a whole figure where the posture is the point (standing and holding
on, sitting down, getting up, sitting on a chair or in bed); a close-up of the lower leg where the
foot or the hands are the point (ankle movements, toes, the calf and shin massages), because on a
phone a whole figure's foot or hand is a few pixels; and the sole seen straight on for the arch
massage, since from the side a thumb in the arch cannot be seen. Getting up from sitting is the
one picture in two panels: pushing up from the bed, then standing at a heavy table.

Model units: a standing person is about 370 tall, the floor is y = 0, the figure faces right.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from tools.media.figure import (
    ACCENT,
    ARROW,
    CARD,
    CUSHION,
    FRAME,
    GAP,
    HEIGHT,
    INK,
    PROP,
    PROP_FILL,
    SHANK,
    THIGH,
    THIGH_W,
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
    bed_end,
    chair,
    cushion,
    draw_body,
    floor,
    foot_clearance,
    foot_shape,
    lerp,
    moon,
    outline_hand,
    polar,
    rest_on,
    table,
    towel,
    towel_roll,
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
def _wall_stretch(bedtime: bool) -> Draw:
    def draw(t: float) -> Canvas:
        # calf_wall_stretch: "Face the wall and put both hands flat on it at shoulder height. Slide
        # the cramping foot back along the floor, heel down, knee straight, and lean gently toward
        # the wall." bedtime_calf_wall: "Face the wall, both hands flat on it. Slide your right
        # foot back, heel down, knee straight." (then "Lean in to a gentle stretch".) Both feet
        # flat on the floor; the arrow is the lean.
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
    # "Hold on to something heavy and fixed: the wall, the end of the bed or a heavy table. Keep
    # both feet flat on the floor and shift most of your weight onto the cramping leg, with a soft
    # bend at the knee." Both hands on the footboard at the end of the bed; the cramping leg under
    # the hips, the other foot flat a little ahead; the arrow is the weight going down that leg.
    canvas = _standing(230.0)
    top = bed_end(canvas, 100.0, top=112.0, board=196.0)
    hip = (-20.0, STAND_HIP - 14)
    torso = 70.0
    body = Body(
        hip=hip,
        torso=torso,
        near_leg=_on_floor(-16.0),
        far_leg=_on_floor(24.0),
        near_arm=Arm(add(top, (-8.0, 10.0)), bend=-1),
        far_arm=Arm(add(top, (-2.0, 12.0)), bend=-1),
        highlight=_hl("calf"),
    )
    draw_body(canvas, body)
    canvas.arrow([(-80.0, 280.0), (-80.0, 120.0)])
    return canvas


def _foot_stand_on(t: float) -> Canvas:
    # "Hold on to something heavy and fixed. Keep both feet on the floor, set the cramping foot
    # flat with the toes spread, and shift some weight onto it." Both hands on the wall.
    canvas = _standing(250.0)
    wall(canvas, 124.0)
    hip = (0.0, STAND_HIP - 8)
    shoulder = _shoulder(hip, 84.0)
    body = Body(
        hip=hip,
        torso=84.0,
        near_leg=_on_floor(4.0),
        far_leg=_on_floor(-44.0),
        near_arm=Arm((112.0, shoulder[1] - 4), bend=-1),
        far_arm=Arm((112.0, shoulder[1] + 4), bend=-1),
        highlight=_hl("foot"),
    )
    draw_body(canvas, body)
    canvas.arrow([(-90.0, 200.0), (-90.0, 70.0)])
    return canvas


def _standing_hamstring(t: float) -> Canvas:
    # "One hand on the wall or a heavy table. Set your right heel a small step forward, toes up,
    # knee straight; soften the other knee." (then "Lean forward from the hips, back straight, to
    # a gentle pull behind the right thigh.") The far hand on a heavy table, the near one resting
    # on the thigh; the arrow is the lean.
    canvas = _standing(250.0)
    top = table(canvas, 128.0, top=172.0)
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
        far_arm=Arm(add(top, (14.0, 11.0)), bend=-1),
        highlight=_hl("hamstring", "calf"),
    )
    draw_body(canvas, body)
    canvas.arc_arrow(hip, 192.0, 70.0, 44.0)
    moon(canvas)
    return canvas


# -- walking, getting up and sitting down ------------------------------------------------------
def _dresser(canvas: Canvas, left: float, right: float, top: float) -> None:
    """A chest of drawers: something waist-high to keep a hand on."""
    canvas.box((left, 10.0), (right, top), 8, PROP_FILL, outline=PROP)
    for level in (top / 3, 2 * top / 3):
        canvas.capsule((left, level), (right, level), 4, PROP)
    for level in (top / 6, top / 2, 5 * top / 6):
        canvas.disc(((left + right) / 2, level), 6, PROP)


def _walk_it_off(t: float) -> Canvas:
    # "Put a light on. With one hand on the wall or furniture, take slow steps for about a minute,
    # letting the whole foot meet the floor." Mid-stride along a chest of drawers, the near hand
    # resting on its top the whole way.
    canvas = _standing(250.0)
    top = 200.0
    _dresser(canvas, -240.0, 150.0, top)
    hip = (0.0, STAND_HIP - 10)
    body = Body(
        hip=hip,
        torso=86.0,
        near_leg=_on_floor(54.0, foot=10.0),
        far_leg=_on_floor(-46.0, foot=-22.0),
        near_arm=Arm((70.0, top + 7.0), bend=-1),
        far_arm=Arm((-30.0, 212.0), bend=1),
    )
    draw_body(canvas, body)
    canvas.arrow([(110.0, 290.0), (210.0, 290.0)])
    return canvas


PANEL = 0.0  # where the two panels of stand_from_sitting meet, in model x


def _stand_from_sitting(t: float) -> Canvas:
    # Two panels, read left to right. 1: "Sit on the edge of the bed or chair with both feet flat
    # on the floor, and wait a moment. Then push up with both hands on the bed or the chair's seat
    # and stand slowly." 2: "Hold on to something heavy and fixed, like the end of the bed or a
    # heavy table. Shift most of your weight onto the cramping leg, heel down, knee soft."
    canvas = Canvas(0.8, (320.0, 440.0))
    floor(canvas)
    # 1: sitting up on the edge of the bed, both hands pressing into the mattress just behind the
    # hips, arms straight; the arrow is the way up.
    seat = 112.0
    bed(canvas, -520.0, -150.0, top=seat, headboard=False)
    cushion(canvas, (-400.0, seat - 2), (-320.0, seat + 24))
    hip = (-196.0, seat + 15)
    hand_y = seat + 11
    sitting = Body(
        hip=hip,
        torso=94.0,
        near_leg=_on_floor(-100.0),
        far_leg=_on_floor(-112.0),
        near_arm=Arm((hip[0] - 36.0, hand_y), bend=1),
        far_arm=Arm((hip[0] - 30.0, hand_y + 2), bend=1),
    )
    draw_body(canvas, sitting)
    canvas.arrow([(-50.0, 170.0), (-50.0, 330.0)])
    # 2: standing at a heavy table, both hands on it, weight on the cramping leg.
    top = table(canvas, 236.0, top=176.0)
    standing = Body(
        hip=(176.0, STAND_HIP - 12),
        torso=74.0,
        near_leg=_on_floor(172.0),
        far_leg=_on_floor(196.0),
        near_arm=Arm(add(top, (4.0, 11.0)), bend=-1),
        far_arm=Arm(add(top, (10.0, 11.0)), bend=-1),
        highlight=_hl("calf"),
    )
    draw_body(canvas, standing)
    canvas.arrow([(124.0, 300.0), (124.0, 150.0)])
    # The seam between the panels, in the frame colour: two pictures, one after the other.
    x = canvas.origin[0] + PANEL * canvas.scale
    low, high = canvas.model(x - 4, HEIGHT), canvas.model(x + 4, 0)
    canvas.box(low, high, 0, FRAME)
    return canvas


def _sit_down_safely(t: float) -> Canvas:
    # "Hold on to something heavy and fixed, like the wall or the end of the bed, and lower
    # yourself slowly onto the bed or a sturdy chair." Halfway down, the hips over the edge of the
    # bed, the near hand flat on the wall in front (the other is hidden behind the body); the
    # arrow is the way down onto the bed.
    canvas = _standing(250.0)
    seat = 112.0
    wall_x = 110.0
    bed(canvas, -460.0, -40.0, top=seat, headboard=False)
    cushion(canvas, (-250.0, seat - 2), (-170.0, seat + 24))
    wall(canvas, wall_x)
    hip = (-56.0, seat + 56)
    torso = 62.0
    shoulder = _shoulder(hip, torso)
    body = Body(
        hip=hip,
        torso=torso,
        near_leg=_on_floor(40.0),
        far_leg=_on_floor(28.0),
        near_arm=Arm((wall_x - 12.0, shoulder[1] + 8), bend=-1),
    )
    draw_body(canvas, body)
    canvas.arrow(arc((-30.0, 150.0), 110.0, 120.0, 176.0))
    return canvas


# -- sitting on a chair ------------------------------------------------------------------------
def _seated(origin_x: float) -> Canvas:
    canvas = _standing(origin_x)
    chair(canvas, 40.0, seat=SEAT)
    return canvas


def _calf_point(knee: Point, ankle: Point, along: float, out: float) -> Point:
    """A point beside the lower leg: behind it (calf side) for out > 0, in front for out < 0."""
    return polar(lerp(knee, ankle, along), angle_of(knee, ankle) - 90, out)


def _sit_down_and_massage(t: float) -> Canvas:
    # Step 2, once sitting: "Rub the cramping muscle with both hands in slow strokes, as firm as
    # feels good." (Step 1 lowers onto "a sturdy chair or the edge of the bed".) On a chair,
    # leaning forward, both hands (in outline, so they show on the dark leg) on the back of the
    # calf; the arrow, behind the leg, is the stroke up and down the calf.
    canvas = Canvas(1.3, (230.0, 452.0))
    floor(canvas)
    chair(canvas, 12.0, seat=SEAT)
    hip = (0.0, SEAT + 15)
    near = _on_floor(96.0)
    knee = two_bone(hip, near.ankle, THIGH, SHANK, near.bend)
    body = Body(
        hip=hip,
        torso=30.0,
        head=-10.0,
        near_leg=near,
        far_leg=_on_floor(80.0),
        near_arm=Arm(_calf_point(knee, near.ankle, 0.42, 17.0), bend=1, open_hand=True),
        far_arm=Arm(_calf_point(knee, near.ankle, 0.22, 16.0), bend=1, open_hand=True),
        highlight=_hl("calf"),
    )
    draw_body(canvas, body)
    canvas.arrow([_calf_point(knee, near.ankle, a, 42.0) for a in (0.9, 0.12)], both=True)
    return canvas


def _chair_towel(t: float) -> Canvas:
    # bedtime_calf_seated: "Sit on the edge of a chair or the bed. Straighten your right leg, heel
    # on the floor, and loop a towel, belt or scarf round the ball of the foot." (then "Draw the
    # towel gently toward you".)
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
    # bedtime_hamstring_seated: "Sit near the front of a chair or the bed. Stretch your right leg
    # out, heel down, toes up." (then "Sit tall and tip forward from the hips to a gentle pull".)
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
        # calf_stretch_towel: "Keep the cramping leg out straight. Loop a towel, belt or sheet
        # round the ball of the foot (or use your hand) and draw the toes toward your shin. Hold it
        # there." bedtime_calf_bed: "Sit up in bed with both legs out straight. Loop a towel, belt
        # or scarf round the ball of your right foot." (then "Draw the towel gently toward you".)
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


def _shake_leg(t: float) -> Canvas:
    # "Slowly bend the knee and straighten it again, a few times, heel sliding along the bed or
    # floor. Then let the leg go loose and jiggle it gently." Sitting up in bed, the knee half
    # bent, the heel on the mattress: the arrow is the heel sliding in and out along it, and two
    # small marks beside the calf the loose jiggle. No kick, nothing leaves the bed.
    canvas = _in_bed()
    torso = 96.0
    near = rest_on(Leg(ankle=(150.0, MATTRESS + 20), foot=70.0), MATTRESS)
    far = rest_on(Leg(ankle=(186.0, MATTRESS + 20), foot=80.0), MATTRESS)
    shoulder = _shoulder(BED_HIP, torso)
    body = Body(
        hip=BED_HIP,
        torso=torso,
        near_leg=near,
        far_leg=far,
        near_arm=Arm((shoulder[0] + 30.0, MATTRESS + 11), bend=1),
        far_arm=Arm((shoulder[0] + 22.0, MATTRESS + 13), bend=1),
    )
    draw_body(canvas, body)
    heel = foot_shape(near).heel
    y = MATTRESS - 20.0
    canvas.arrow([(heel[0] - 56.0, y), (heel[0] + 56.0, y)], both=True)
    knee = two_bone(BED_HIP, near.ankle, THIGH, SHANK, near.bend)
    middle = lerp(knee, near.ankle, 0.45)
    back = angle_of(knee, near.ankle) - 90
    for side in (back, back + 180):
        centre = polar(middle, side, -14.0)
        canvas.polyline(arc(centre, 40.0, side - 16, side + 16, 8), 5, ARROW)
    return canvas


def _massage_in_bed(front: bool) -> Draw:
    def draw(t: float) -> Canvas:
        # calf_massage: "Bend the knee so you can reach the back of your lower leg, the calf."
        # (then "With both hands, rub the tight part of the calf in slow strokes toward the
        # knee".) The knee bent well up, both hands under it, on the back of the lower leg; the
        # arrow, behind the leg, runs up toward the knee.
        # shin_massage: "Bend the knee so the front of the lower leg is easy to reach. Rub the
        # muscle just to the outside of the shinbone, slow strokes from ankle to knee." Both hands
        # on the front of the lower leg, the muscle beside the bone highlighted; the arrow, in
        # front of the leg, runs from ankle to knee.
        # Sitting up in bed, knee bent up, for both: only the side of the leg differs, and it is
        # the whole point. Hands in outline, so they show on the dark leg.
        canvas = Canvas(1.9, (180.0, 600.0))  # _in_bed, closer: the legs are the point
        bed(canvas, -80.0, 400.0, top=MATTRESS)
        cushion(canvas, (-74.0, MATTRESS - 2), (-44.0, MATTRESS + 120))
        near = rest_on(Leg(ankle=(124.0, MATTRESS + 20), foot=0.0), MATTRESS)
        knee = two_bone(BED_HIP, near.ankle, THIGH, SHANK, near.bend)
        side = -1.0 if front else 1.0  # in front of the lower leg, or behind it
        hands = ((0.34, 14.0), (0.62, 12.0)) if front else ((0.42, 17.0), (0.68, 14.0))
        (near_at, near_out), (far_at, far_out) = hands
        body = Body(
            hip=BED_HIP,
            torso=66.0,
            near_leg=near,
            far_leg=rest_on(Leg(ankle=(186.0, MATTRESS + 20), foot=80.0), MATTRESS),
            near_arm=Arm(
                _calf_point(knee, near.ankle, near_at, near_out * side), bend=-1, open_hand=True
            ),
            far_arm=Arm(
                _calf_point(knee, near.ankle, far_at, far_out * side), bend=-1, open_hand=True
            ),
            highlight=_hl("shin" if front else "calf"),
        )
        draw_body(canvas, body)
        stroke = (0.88, 0.12) if front else (1.0, 0.4)
        canvas.arrow([_calf_point(knee, near.ankle, a, 46.0 * side) for a in stroke])
        return canvas

    return draw


def _bed_hamstring(t: float) -> Canvas:
    # "Lie on your back, left knee bent, that foot flat. Loop the towel round your right foot and
    # keep the right knee straight." (then "Raise the right leg with the towel until the back of
    # the thigh gently pulls.")
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


# -- close-ups of the lower leg ----------------------------------------------------------------
CLOSE_SCALE = 2.2


def _closeup(pillow: bool = False) -> Canvas:
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


def _leg_only(
    canvas: Canvas,
    hip: Point,
    leg: Leg,
    highlight: frozenset[Highlight],
    far: tuple[Point, Leg] | None = None,
) -> None:
    """The near lower leg, the thigh under a blanket; `far` is the other leg, as `(hip, leg)`.

    The other leg has a hip of its own so it can lie a little further along the bed than the near
    one, far enough to show behind it.
    """
    if far is not None:
        draw_body(canvas, Body(hip=far[0], far_leg=far[1], show_torso=False))
    draw_body(canvas, Body(hip=hip, near_leg=leg, highlight=highlight, show_torso=False))
    _blanket(canvas, hip, leg)


PUMP_REST = 84.0  # a resting foot, heel down, toes to the ceiling
PUMP_FAR = 16.0  # the other foot, a little further along the bed: it shows behind


def _ankle_pumps(t: float) -> Canvas:
    # "Legs out in front of you, heels resting down. Draw both feet up toward you, then let them
    # relax back to resting." Animated: both feet together, from resting (toes to the ceiling) up
    # toward the shin and back to resting, never past it into a point; the other foot shows in
    # grey just behind the near one. The still is the feet drawn up.
    hip, ankle = LYING_HIP, LYING_ANKLE
    canvas = _closeup()
    foot = PUMP_REST + 28.0 * _wave(t)
    leg = rest_on(Leg(ankle=ankle, foot=foot), 0.0)
    far = rest_on(Leg(ankle=add(ankle, (PUMP_FAR, 0.0)), foot=foot), 0.0)
    # The other hip a touch lower, so that only its foot shows: neither its knee above the near
    # leg nor its thigh below it (checked frame by frame against a drawing without it).
    _leg_only(canvas, hip, leg, _hl(), far=(add(hip, (PUMP_FAR, -1.3)), far))
    canvas.arc_arrow(leg.ankle, 72.0, PUMP_REST - 6.0, PUMP_REST + 40.0)
    return canvas


def _neutral(hip: Point, ankle: Point) -> float:
    """The foot angle square to the shin: neither drawn up nor pointed (toes to the ceiling)."""
    return angle_of(two_bone(hip, ankle, THIGH, SHANK, 1), ankle) + 90.0


TOWEL_ROLL = 17.0  # radius of a rolled bath towel, seen end on


def _shin_rest_foot(t: float) -> Canvas:
    # "Lie with the leg out, heel resting on the bed, and let the foot go loose, toes neither
    # pulled up nor pointed. If it drops into a point, rest the sole against a rolled towel or
    # pillow. Breathe slowly." The heel on the mattress (no pillow under the calf), the foot at
    # about neutral, toes to the ceiling, and a rolled towel on the bed against the sole, so the
    # foot cannot drop into a point. No arrow and no highlight: nothing moves and nothing is
    # stretched; the loose, supported foot is the whole instruction.
    hip, ankle = LYING_HIP, LYING_ANKLE
    canvas = _closeup()
    leg = Leg(ankle=ankle)
    for _ in range(3):  # resting the heel moves the ankle, which turns the shin a little
        leg = rest_on(Leg(ankle=leg.ankle, foot=_neutral(hip, leg.ankle)), 0.0)
    # The roll lies on the mattress, just touching the sole (the leg's card-coloured rim then
    # shows where the two meet).
    foot = foot_shape(leg)
    low, high = foot.ankle[0], foot.ankle[0] + 80.0
    for _ in range(30):
        middle = (low + high) / 2
        if foot_clearance(foot, (middle, TOWEL_ROLL)) < TOWEL_ROLL:
            low = middle
        else:
            high = middle
    towel_roll(canvas, (high, TOWEL_ROLL), TOWEL_ROLL)
    _leg_only(canvas, hip, leg, _hl())
    return canvas


# The ankle circle, for PILLOW_ANKLE: small, and centred toward the shin from where the toe is with
# the foot at neutral, so the foot goes round a slightly drawn-up position and never past neutral
# into a point (`tests/media` checks every frame).
CIRCLE_CENTRE = (-6.0, 87.0)
CIRCLE_RADIUS = 9.0
CIRCLE_REST = 106.0  # the drawn-up foot the turn is solved from, about the middle of the circle


def _turned(leg: Leg, pitch: float, yaw: float) -> Leg:
    """`leg` with its foot turned from rest by pitch (in the picture) and yaw (out of it)."""
    return replace(leg, foot=leg.foot + pitch, yaw=yaw)


def _circle_turn(rest: Leg, angle: float) -> tuple[float, float]:
    """Foot pitch and yaw that put the big toe at `angle` degrees round the ankle-circle loop.

    The toe must trace a full, round circle in the picture, so the turn is solved for (a few
    Newton steps from no turn) rather than guessed: the oblique projection of the foot would bend
    a circle of pitch and yaw into a lopsided loop.
    """
    target = polar(CIRCLE_CENTRE, angle, CIRCLE_RADIUS)
    pitch, yaw = 0.0, 0.0
    step = 1e-3

    def toe(p: float, y: float) -> Point:
        return foot_shape(_turned(rest, p, y)).toe_tip

    for _ in range(12):
        here = toe(pitch, yaw)
        ex, ey = here[0] - target[0], here[1] - target[1]
        dp, dy = toe(pitch + step, yaw), toe(pitch, yaw + step)
        a, b = (dp[0] - here[0]) / step, (dy[0] - here[0]) / step
        c, d = (dp[1] - here[1]) / step, (dy[1] - here[1]) / step
        det = a * d - b * c
        pitch -= (d * ex - b * ey) / det
        yaw -= (a * ey - c * ex) / det
    return pitch, yaw


# Toe writing, for PILLOW_ANKLE: a scribble about as small as the ankle circle, round the same
# slightly drawn-up foot, so the foot never goes past neutral into a point either (`tests/media`
# checks every frame).
WRITING_REST = CIRCLE_REST
WRITING_PITCH = 12.0  # the most the foot turns up or down from WRITING_REST, degrees
WRITING_YAW = 20.0  # the most it turns out of the picture, degrees


def _letters(t: float) -> tuple[float, float]:
    """Foot pitch and yaw for toe writing: a looping, letter-like scribble, never real letters."""
    angle = 2 * math.pi * t
    pitch = WRITING_PITCH * (2.0 * math.sin(2 * angle) + math.sin(angle)) / 3.0
    return pitch, WRITING_YAW * math.sin(3 * angle + 0.6)


def ankle_circle_leg(t: float) -> Leg:
    """The foot of the ankle circles at phase t: its big toe at `t` of the way round the circle."""
    rest = Leg(ankle=PILLOW_ANKLE, foot=CIRCLE_REST)
    return _turned(rest, *_circle_turn(rest, 90.0 + 360.0 * t))


def toe_writing_leg(t: float) -> Leg:
    """The foot of the toe writing at phase t: its big toe `t` of the way along the scribble."""
    return _turned(Leg(ankle=PILLOW_ANKLE, foot=WRITING_REST), *_letters(t))


def _ankle_circles(t: float) -> Canvas:
    # "Let the foot move freely (in bed, a pillow under the calf lifts the heel). Moving only at
    # the ankle, trace 10 slow, small circles with your big toe, without pushing it into a point."
    # Animated: one slow, small circle round a slightly drawn-up foot, which never goes past
    # neutral into a point. The whole circle is drawn, closed, with an arrowhead for the way
    # round; the toe runs along it.
    canvas = _closeup(pillow=True)
    _leg_only(canvas, PILLOW_HIP, ankle_circle_leg(t), _hl())
    # Drawn over the foot: behind it, the foot's card-coloured rim would cut the loop open.
    canvas.polyline(arc(CIRCLE_CENTRE, CIRCLE_RADIUS, 0.0, 360.0, 48), 5.0, ARROW)
    canvas.arrow(arc(CIRCLE_CENTRE, CIRCLE_RADIUS, 140.0, 225.0, 8), width=5.0, head=18.0)
    return canvas


def _toe_writing(t: float) -> Canvas:
    # "Keep the leg still and let the foot move freely. Using your big toe as a pencil, spell out
    # A, B, C and onward to Z, small and slow, moving at the ankle and never pushing the toes into
    # a point." The toe runs along a small, looping scribble round a slightly drawn-up foot, which
    # never goes past neutral into a point: what it has "written" so far is solid, the rest of the
    # way dashed, so the loop fills in like handwriting.
    canvas = _closeup(pillow=True)
    leg = toe_writing_leg(t)
    _leg_only(canvas, PILLOW_HIP, leg, _hl())
    # Drawn over the foot, as the ankle circle is: the scribble is small enough that the toe would
    # otherwise hide most of it.
    steps = 60
    done = round(t * steps)
    points = [foot_shape(toe_writing_leg(i / steps)).toe_tip for i in range(steps + 1)]
    canvas.dashed(points[done:], 4.0, ARROW, 6.0, 8.0)
    trail(canvas, [*points[: done + 1], foot_shape(leg).toe_tip])
    return canvas


def _toe_pull_back(t: float) -> Canvas:
    # "Take hold of the cramping toes and draw them back toward your shin until the sole
    # stretches. If the cramp is curling the toes up, press them gently down instead. Hold."
    hip, ankle = BENT_HIP, BENT_ANKLE
    canvas = _closeup()
    leg = rest_on(Leg(ankle=ankle, foot=96.0, toes=34.0), 0.0)
    _leg_only(canvas, hip, leg, _hl("sole"))
    foot = foot_shape(leg)
    along = angle_of(foot.ball, foot.toes)
    palm = polar(foot.toes, along - 90, 14)
    outline_hand(canvas, palm, 140.0, polar(palm, -112.0, 30))
    canvas.arc_arrow(leg.ankle, 82.0, 62.0, 118.0)
    return canvas


def _shin_stretch_seated(t: float) -> Canvas:
    # "Rest a hand on top of the cramping foot and ease the foot and toes gently downward, away
    # from your shin. Hold lightly." Sitting (never in bed, says the exercise), seen up close: the
    # thigh on a chair seat, the knee bent, the heel lifted and the toes eased down toward the
    # floor by a hand on top of the foot; the shin muscle, on the front, highlighted.
    canvas = Canvas(2.0, (360.0, 440.0))
    hip = (-110.0, SEAT + 15)
    leg = rest_on(Leg(ankle=(4.0, 40.0), foot=-38.0), 4.0)
    knee = two_bone(hip, leg.ankle, THIGH, SHANK, leg.bend)
    floor(canvas)
    seat_front = hip[0] + 40.0
    canvas.capsule((seat_front - 8.0, SEAT - 12.0), (seat_front - 8.0, 0.0), 8, PROP)
    canvas.box((seat_front - 200.0, SEAT), (seat_front, SEAT - 12.0), 6, PROP_FILL, outline=PROP)
    # The rest of the thigh runs off the card, toward the hip of someone sitting to the left.
    off = polar(hip, angle_of(knee, hip), 120.0)
    canvas.capsule(hip, off, THIGH_W * canvas.scale + 2 * GAP * canvas.scale, CARD)
    draw_body(canvas, Body(hip=hip, near_leg=leg, highlight=_hl("shin"), show_torso=False))
    canvas.capsule(hip, off, THIGH_W * canvas.scale, INK)
    foot = foot_shape(leg)
    along = angle_of(foot.heel, foot.ball)
    palm = polar(foot.instep, along + 90, 15)
    outline_hand(canvas, palm, along + 130, polar(palm, along - 20, 20))
    canvas.arc_arrow(leg.ankle, 62.0, along + 40, along - 8)
    return canvas


def _arch_massage(t: float) -> Canvas:
    # "Bring the foot where you can reach it without straining your hip or back." (then "With your
    # thumbs, rub the arch in slow strokes from the heel toward the toes".) The sole seen straight
    # on, toes up, a hand on each side and both thumbs pressing into the arch.
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
    "calf_massage": Pose(_massage_in_bed(front=False)),
    "shake_leg_gently": Pose(_shake_leg),
    "calf_stand_on_leg": Pose(_calf_stand_on_leg),
    "calf_wall_stretch": Pose(_wall_stretch(bedtime=False)),
    "walk_it_off": Pose(_walk_it_off),
    "stand_from_sitting": Pose(_stand_from_sitting),
    "sit_down_safely": Pose(_sit_down_safely),
    "sit_down_and_massage": Pose(_sit_down_and_massage),
    "toe_pull_back": Pose(_toe_pull_back),
    "arch_massage": Pose(_arch_massage),
    "foot_stand_on": Pose(_foot_stand_on),
    "shin_stretch_seated": Pose(_shin_stretch_seated),
    "shin_massage": Pose(_massage_in_bed(front=True)),
    "shin_rest_foot": Pose(_shin_rest_foot),
    "ankle_circles": Pose(_ankle_circles, frames=16, frame_ms=125, still=0.5),
    "toe_writing": Pose(_toe_writing, frames=20, frame_ms=150, still=0.7),
    "ankle_pumps": Pose(_ankle_pumps, frames=16, frame_ms=110, still=0.5),
    "bedtime_calf_wall": Pose(_wall_stretch(bedtime=True)),
    "bedtime_hamstring_standing": Pose(_standing_hamstring),
    "bedtime_calf_seated": Pose(_chair_towel),
    "bedtime_hamstring_seated": Pose(_chair_hamstring),
    "bedtime_calf_bed": Pose(_bed_towel(bedtime=True)),
    "bedtime_hamstring_bed": Pose(_bed_hamstring),
}
POSES: Mapping[str, Pose] = MappingProxyType(_POSES)
