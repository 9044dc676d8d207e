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
    from policies.decide import PolicyConfig, decide
    from policies.temporal import tap_failed, without_dead

    look, other = 0b1011_0110, 0b1011_0110 ^ 0xFFFF_0000  # the same "×2" vs. something else at the same spot
    seen = {"look": look}
    frame = [det(100, 100)]

    def frame_step(state: AgentState, t: float) -> tuple[str, AgentState]:
        """One frame as the daemon runs it: drop dead candidates, decide, then the temporal rules."""
        live = without_dead(frame, state, CFG, lambda b: seen["look"])
        action, state = step(state, decide(live, PolicyConfig()), t, True, CFG)
        return action.kind, state

    state = AgentState()
    for t0 in (0.0, 10.0):  # the game screen comes back twice; each time the tap changes nothing
        kind1, state = frame_step(state, t0)
        kind2, state = frame_step(state, t0 + 0.1)
        assert (kind1, kind2) == ("confirm", "tap")
        state = tap_failed(state, decide(frame, PolicyConfig()), look, CFG)
    assert frame_step(state, 20.0)[0] == "idle"  # the dead spot's candidate is gone before the decision
    # a real close that later appears at that spot looks different: confirmed and tapped
    seen["look"] = other
    kind, state = frame_step(state, 30.0)
    assert (kind, frame_step(state, 30.1)[0]) == ("confirm", "tap")

    # one failure is not enough (a close tapped a moment too early), and the rule can be switched off
    seen["look"] = look
    first = decide(frame, PolicyConfig())
    assert without_dead(frame, tap_failed(AgentState(), first, look, CFG), CFG, lambda b: look) == frame
    # a tap that opened a store: dead at once
    assert without_dead(frame, tap_failed(AgentState(), first, look, CFG, opened_store=True), CFG, lambda b: look) == []
    off = TemporalConfig(dead_after=0)
    assert tap_failed(AgentState(), first, look, off).failed == ()


def det(x: int, y: int, label: str = "close", score: float = 0.9, size: int = 40):
    from detector.types import Detection

    h = size / 2
    return Detection(Box(x - h, y - h, x + h, y + h), label, score)


def test_a_dead_spot_gives_the_next_best_target_its_turn() -> None:
    """The demo's store opening: a pale mute button (0.97) beside the real close (0.84). Once the mute button's tap
    opened the store, the frame's decision must fall to the real close, not wait on the dead spot forever."""
    from policies.decide import PolicyConfig, decide
    from policies.temporal import tap_failed, without_dead

    mute, close, text = det(865, 902, score=0.97), det(57, 110, score=0.84), det(300, 300, "ja_char", 0.99)
    looks = {(865, 902): 0xAAAA, (57, 110): 0x5555_0000, (300, 300): 0x1234}

    def look_of(b: Box) -> int:
        return looks[(round(b.center[0]), round(b.center[1]))]

    frame = [mute, close, text]
    assert decide(without_dead(frame, AgentState(), CFG, look_of), PolicyConfig()).x == 865  # nothing dead yet
    first = decide(frame, PolicyConfig())
    state = tap_failed(AgentState(), first, looks[(865, 902)], CFG, opened_store=True)
    live = without_dead(frame, state, CFG, look_of)
    assert live == [close, text]  # ja_char boxes are kept: the close-over-text rule reads them
    assert (decide(live, PolicyConfig()).x, decide(live, PolicyConfig()).y) == (57, 110)
    # the same spot with another look (a real close now drawn there) is not dead
    looks[(865, 902)] = 0xAAAA ^ 0xFFFF_FFFF
    assert without_dead(frame, state, CFG, look_of) == frame
    # one ineffective tap is not enough to drop a candidate; the rule switched off drops nothing
    looks[(865, 902)] = 0xAAAA
    once = tap_failed(AgentState(), first, 0xAAAA, CFG)
    assert without_dead(frame, once, CFG, look_of) == frame
    assert without_dead(frame, state, TemporalConfig(dead_after=0), look_of) == frame


def test_without_dead_hashes_nothing_when_no_spot_is_dead() -> None:
    from policies.temporal import without_dead

    def look_of(b: Box) -> int:
        raise AssertionError("no look needed")

    frame = [det(100, 100), det(200, 200, "skip")]
    assert without_dead(frame, AgentState(), CFG, look_of) == frame
    # a dead spot elsewhere on the screen: candidates far from it are kept without hashing their surroundings
    from policies.temporal import tap_failed

    state = tap_failed(AgentState(), target(800, 1500), 0xAAAA, CFG, opened_store=True)
    assert without_dead(frame, state, CFG, look_of) == frame
