"""Whether to act on this frame's decision, given what happened on earlier frames. Pure: state in, state out.

Rules, in order (the frame rules are in ``decide.py``):
1. No target on this frame: nothing to do, and any confirmation streak is reset.
2. The same target (same label, boxes overlapping by ``same_target_iou``) must be seen on ``confirm_frames``
   consecutive frames: a screen in motion (an ad sliding in) must not be tapped at a spot that moves on.
3. After a tap, nothing for ``cooldown_s``.
4. Never more than ``max_same_spot`` taps at one spot (within ``spot_radius_px``) while the screen does not change.
5. Never more than ``max_taps_per_minute`` taps in any 60 s (a flood guard whatever the detector says).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from policies.decide import TapDecision


@dataclass(frozen=True)
class TemporalConfig:
    confirm_frames: int = 2
    same_target_iou: float = 0.5
    cooldown_s: float = 1.0
    max_same_spot: int = 2
    spot_radius_px: float = 24.0
    max_taps_per_minute: int = 20


@dataclass(frozen=True)
class AgentState:
    streak_target: TapDecision | None = None
    streak: int = 0
    last_tap_t: float | None = None
    last_tap: TapDecision | None = None
    same_spot_taps: int = 0
    recent_taps: tuple[float, ...] = ()  # times of the taps in the last 60 s


@dataclass(frozen=True)
class Action:
    kind: Literal["tap", "confirm", "wait", "idle"]
    reason: str
    target: TapDecision | None = None


def same_target(a: TapDecision, b: TapDecision, iou_min: float) -> bool:
    return a.label == b.label and a.box.iou(b.box) >= iou_min


def near(a: TapDecision, b: TapDecision, radius: float) -> bool:
    return (a.x - b.x) ** 2 + (a.y - b.y) ** 2 <= radius**2


def step(
    state: AgentState, decision: TapDecision | None, now: float, screen_changed: bool, cfg: TemporalConfig
) -> tuple[Action, AgentState]:
    """``screen_changed``: the screen differs from the one at the last tap (resets the same-spot count)."""
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
    )
    return Action("tap", f"{decision.label} {decision.score:.2f}", decision), new
