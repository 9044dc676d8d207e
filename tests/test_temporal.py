"""Every rule of policies/temporal.py, table-driven: state in, action and state out."""

from __future__ import annotations

import pytest

from detector.types import Box
from policies.decide import TapDecision
from policies.temporal import AgentState, TemporalConfig, step

CFG = TemporalConfig(confirm_frames=2, same_target_iou=0.5, cooldown_s=1.0, max_same_spot=2, spot_radius_px=24)


def target(x: int = 100, y: int = 100, label: str = "close", size: int = 40, score: float = 0.9) -> TapDecision:
    h = size / 2
    return TapDecision(x, y, label, score, Box(x - h, y - h, x + h, y + h))


def run(frames, cfg: TemporalConfig = CFG, state: AgentState | None = None):
    """frames: (decision, t, screen_changed) per frame -> list of action kinds."""
    state = state or AgentState()
    kinds = []
    for decision, t, changed in frames:
        action, state = step(state, decision, t, changed, cfg)
        kinds.append(action.kind)
    return kinds, state


@pytest.mark.parametrize(
    ("frames", "kinds"),
    [
        # nothing on screen
        ([(None, 0.0, False)], ["idle"]),
        # seen twice in a row -> tap on the second frame
        ([(target(), 0.0, False), (target(), 0.1, False)], ["confirm", "tap"]),
        # a target that moved between frames is a new target: confirm again
        (
            [(target(), 0.0, False), (target(300, 300), 0.1, False), (target(300, 300), 0.2, False)],
            ["confirm", "confirm", "tap"],
        ),
        # a close then a skip at the same spot: a different label is a different target
        ([(target(), 0.0, False), (target(label="skip"), 0.1, False)], ["confirm", "confirm"]),
        # a gap breaks the streak
        ([(target(), 0.0, False), (None, 0.1, False), (target(), 0.2, False)], ["confirm", "idle", "confirm"]),
        # cooldown: after a tap, a new confirmed target waits until cooldown_s has passed
        (
            [
                (target(), 0.0, False),
                (target(), 0.1, False),
                (target(500, 500), 0.3, True),
                (target(500, 500), 0.5, True),
                (target(500, 500), 1.2, True),
            ],
            ["confirm", "tap", "confirm", "wait", "tap"],
        ),
    ],
)
def test_rules(frames, kinds) -> None:
    assert run(frames)[0] == kinds


def test_same_spot_at_most_n_times_while_the_screen_does_not_change() -> None:
    frames = [(target(), t, False) for t in (0.0, 0.1, 2.0, 2.1, 4.0, 4.1, 6.0)]
    kinds, _ = run(frames)
    assert kinds == ["confirm", "tap", "confirm", "tap", "confirm", "wait", "wait"]


def test_same_spot_count_resets_when_the_screen_changes() -> None:
    frames = [
        (target(), 0.0, False),
        (target(), 0.1, False),
        (target(), 2.0, False),
        (target(), 2.1, False),
        (target(), 4.0, True),
        (target(), 4.1, True),
    ]
    kinds, state = run(frames)
    assert kinds == ["confirm", "tap", "confirm", "tap", "confirm", "tap"]
    assert state.same_spot_taps == 1


def test_confirm_frames_one_taps_at_once() -> None:
    cfg = TemporalConfig(confirm_frames=1, cooldown_s=0.0)
    assert run([(target(), 0.0, False)], cfg)[0] == ["tap"]


def test_step_is_pure() -> None:
    state = AgentState()
    a1, s1 = step(state, target(), 0.0, False, CFG)
    a2, s2 = step(state, target(), 0.0, False, CFG)
    assert (a1, s1) == (a2, s2) and state == AgentState()


def test_rate_limit_caps_taps_per_minute() -> None:
    cfg = TemporalConfig(confirm_frames=1, cooldown_s=0.0, max_same_spot=100, max_taps_per_minute=3)
    frames = [(target(100 * i, 100), float(i), True) for i in range(6)]
    kinds, state = run(frames, cfg)
    assert kinds == ["tap", "tap", "tap", "wait", "wait", "wait"]
    assert run([(target(900, 900), 61.5, True)], cfg, state)[0] == ["tap"]  # the window moves on


# rule 6: a spot whose taps failed, looking the same each time, is not tapped again even after the screen changed
def test_failed_spot_with_the_same_look_is_not_tapped_again() -> None:
    from policies.temporal import tap_failed

    look, other = 0b1011_0110, 0b1011_0110 ^ 0xFFFF_0000  # the same "×2" vs. something else at the same spot
    state = AgentState()
    for t0 in (0.0, 10.0):  # the game screen comes back twice; each time the tap changes nothing
        action, state = step(state, target(), t0, True, CFG, look)
        action, state = step(state, target(), t0 + 0.1, True, CFG, look)
        assert action.kind == "tap"
        state = tap_failed(state, target(), look, CFG)
    action, state = step(state, target(), 20.0, True, CFG, look)
    action, state = step(state, target(), 20.1, True, CFG, look)
    assert action.kind == "wait" and "no effect" in action.reason
    # a real close that later appears at that spot looks different: tapped (already confirmed by the streak)
    action, state = step(state, target(), 30.0, True, CFG, other)
    assert action.kind == "tap"

    # one failure is not enough (a close tapped a moment too early), and the rule can be switched off
    def kinds(state: AgentState) -> list[str]:
        a1, state = step(state, target(), 0.0, True, CFG, look)
        a2, state = step(state, target(), 0.1, True, CFG, look)
        return [a1.kind, a2.kind]

    assert kinds(tap_failed(AgentState(), target(), look, CFG)) == ["confirm", "tap"]
    # a tap that opened a store: dead at once
    assert kinds(tap_failed(AgentState(), target(), look, CFG, opened_store=True)) == ["confirm", "wait"]
    off = TemporalConfig(dead_after=0)
    assert tap_failed(AgentState(), target(), look, off).failed == ()
