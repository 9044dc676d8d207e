"""Whether to act on this frame's decision, given what happened on earlier frames. Pure: state in, state out.

Rules, in order (the frame rules are in ``decide.py``):
1. No target on this frame: nothing to do, and any confirmation streak is reset.
2. The same target (same label, boxes overlapping by ``same_target_iou``) must be seen on ``confirm_frames``
   consecutive frames: a screen in motion (an ad sliding in) must not be tapped at a spot that moves on.
3. After a tap, nothing for ``cooldown_s``.
4. Never more than ``max_same_spot`` taps at one spot (within ``spot_radius_px``) while the screen does not change.
5. Never more than ``max_taps_per_minute`` taps in any 60 s (a flood guard whatever the detector says).
6. A spot whose tap opened a store once, or changed nothing ``dead_after`` times, each time looking the same (``look``:
   a perceptual hash of the target's surroundings, within ``LOOK_BITS`` bits), is never tapped again this run, even
   after the screen changed and came back: a "×2" on a game screen that the detector takes for a close must not be
   tapped every time the game returns. The daemon reports such taps with :func:`tap_failed`, and drops the
   candidates at such spots with :func:`without_dead` *before* the frame's decision, so the next-best target on the
   frame gets its turn: a mute button that opened the store must not shadow the real close beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from detector.types import Box, Detection
from policies.decide import TapDecision, tap_point


@dataclass(frozen=True)
class TemporalConfig:
    confirm_frames: int = 2
    same_target_iou: float = 0.5
    cooldown_s: float = 1.0
    max_same_spot: int = 2
    spot_radius_px: float = 24.0
    max_taps_per_minute: int = 20
    dead_after: int = 2  # failed taps at one spot with one look before it is never tapped again (0: rule off)


LOOK_BITS = 6  # two looks within this many bits (of 64) are the same
MAX_FAILED = 64  # failed spots remembered (oldest forgotten first)


@dataclass(frozen=True)
class FailedSpot:
    x: int
    y: int
    look: int
    count: int = 1


@dataclass(frozen=True)
class AgentState:
    streak_target: TapDecision | None = None
    streak: int = 0
    last_tap_t: float | None = None
    last_tap: TapDecision | None = None
    same_spot_taps: int = 0
    recent_taps: tuple[float, ...] = ()  # times of the taps in the last 60 s
    failed: tuple[FailedSpot, ...] = ()  # spots whose taps changed nothing, with their look


@dataclass(frozen=True)
class Action:
    kind: Literal["tap", "confirm", "wait", "idle"]
    reason: str
    target: TapDecision | None = None


def same_target(a: TapDecision, b: TapDecision, iou_min: float) -> bool:
    return a.label == b.label and a.box.iou(b.box) >= iou_min


def near(a: TapDecision, b: TapDecision, radius: float) -> bool:
    return (a.x - b.x) ** 2 + (a.y - b.y) ** 2 <= radius**2


def same_look(a: int, b: int) -> bool:
    return (a ^ b).bit_count() <= LOOK_BITS


def _at_spot(f: FailedSpot, x: int, y: int, radius: float) -> bool:
    return (f.x - x) ** 2 + (f.y - y) ** 2 <= radius**2


def _failed_at(state: AgentState, d: TapDecision, look: int, radius: float) -> FailedSpot | None:
    return next((f for f in state.failed if _at_spot(f, d.x, d.y, radius) and same_look(f.look, look)), None)


def without_dead(
    detections: list[Detection], state: AgentState, cfg: TemporalConfig, look_of: Callable[[Box], int]
) -> list[Detection]:
    """The detections minus the ``close``/``skip`` candidates at dead spots (rule 6), for the frame's decision.
    ``look_of`` hashes a box's surroundings on this frame; it is called only for candidates near a dead spot."""
    dead = [f for f in state.failed if cfg.dead_after and f.count >= cfg.dead_after]
    if not dead:
        return detections
    keep = []
    for d in detections:
        if d.label in ("close", "skip"):
            x, y = tap_point(d.box)
            close_by = [f for f in dead if _at_spot(f, x, y, cfg.spot_radius_px)]
            if close_by and any(same_look(f.look, look_of(d.box)) for f in close_by):
                continue
        keep.append(d)
    return keep


def tap_failed(
    state: AgentState, target: TapDecision, look: int | None, cfg: TemporalConfig, opened_store: bool = False
) -> AgentState:
    """Record that the tap at ``target`` (looking like ``look``) changed nothing, or opened a store: the worst
    outcome, after which the spot is dead at once."""
    if look is None or cfg.dead_after == 0:
        return state
    old = _failed_at(state, target, look, cfg.spot_radius_px)
    rest = tuple(f for f in state.failed if f is not old)
    count = cfg.dead_after if opened_store else (old.count + 1 if old else 1)
    spot = FailedSpot(target.x, target.y, look, max(count, old.count if old else 0))
    return replace(state, failed=(*rest, spot)[-MAX_FAILED:])


def step(
    state: AgentState,
    decision: TapDecision | None,
    now: float,
    screen_changed: bool,
    cfg: TemporalConfig,
) -> tuple[Action, AgentState]:
    """``screen_changed``: the screen differs from the one at the last tap (resets the same-spot count).
    Rule 6 is not applied here: ``decision`` comes from candidates :func:`without_dead` has already filtered."""
    if screen_changed and state.same_spot_taps:
        state = replace(state, same_spot_taps=0)
    if decision is None:
        return Action("idle", "no target"), replace(state, streak_target=None, streak=0)
    streak = (
        state.streak + 1
        if state.streak_target and same_target(decision, state.streak_target, cfg.same_target_iou)
        else 1
    )
    state = replace(state, streak_target=decision, streak=streak)
    if streak < cfg.confirm_frames:
        return Action("confirm", f"{decision.label} seen on {streak} of {cfg.confirm_frames} frames", decision), state
    if state.last_tap_t is not None and now - state.last_tap_t < cfg.cooldown_s:
        return Action("wait", f"cooldown ({now - state.last_tap_t:.2f} of {cfg.cooldown_s:.2f} s)", decision), state
    repeat = state.last_tap is not None and near(decision, state.last_tap, cfg.spot_radius_px)
    if repeat and state.same_spot_taps >= cfg.max_same_spot:
        return (
            Action("wait", f"tapped this spot {state.same_spot_taps} times and the screen did not change", decision),
            state,
        )
    recent = tuple(t for t in state.recent_taps if now - t < 60.0)
    if len(recent) >= cfg.max_taps_per_minute:
        return Action("wait", f"rate limit: {len(recent)} taps in the last 60 s", decision), replace(
            state, recent_taps=recent
        )
    new = AgentState(
        streak_target=None,
        streak=0,
        last_tap_t=now,
        last_tap=decision,
        same_spot_taps=state.same_spot_taps + 1 if repeat else 1,
        recent_taps=(*recent, now),
        failed=state.failed,
    )
    return Action("tap", f"{decision.label} {decision.score:.2f}", decision), new
