import pytest
import torch
from torchvision.models.detection._utils import SSDMatcher
from torchvision.models.detection.ssd import SSD

from detector.model import BandMatcher, ModelSpec, anchors_xyxy, build_model, feature_sizes

from .conftest import TINY_SPEC

EMPTY = {"boxes": torch.zeros(0, 4), "labels": torch.zeros(0, dtype=torch.int64)}


def test_feature_sizes_and_anchor_count():
    assert feature_sizes(288) == [36, 18, 9]
    spec = ModelSpec()
    anchors = anchors_xyxy(build_model(spec), spec)
    # 4 anchors per cell on the stride-8 map, 6 on the others
    assert anchors.shape == (36 * 36 * 4 + 18 * 18 * 6 + 9 * 9 * 6, 4)
    widths = sorted({round(w, 2) for w in (anchors[:, 2] - anchors[:, 0]).tolist()})
    # 15/sqrt2, 15, 34/sqrt3 (a tall stride-16 box), 15*sqrt2 ... largest: 72*sqrt3
    assert widths[:4] == [10.61, 15.0, 19.63, 21.21]
    assert widths[-1] == 124.71


def test_a_larger_tile_has_the_same_anchors_on_a_larger_grid():
    # 432 input px (a 720-px tile at the training scale): maps of 54, 27 and 14 cells; the boxes of the first cells
    # are the 288-px ones, box for box, and the sizes in pixels do not change
    spec = ModelSpec()
    model = build_model(spec)
    small, large = anchors_xyxy(model, spec), anchors_xyxy(model, spec, 432)
    assert feature_sizes(432) == [54, 27, 14]
    assert large.shape == (54 * 54 * 4 + 27 * 27 * 6 + 14 * 14 * 6, 4)
    assert torch.allclose(large[:4], small[:4], atol=1e-4)  # the top-left cell of the stride-8 map
    # the cell at row 1, column 0 of the stride-8 map comes after a whole row: 54 cells x 4 anchors
    assert torch.allclose(large[54 * 4], torch.tensor([-3.5, 4.5, 11.5, 19.5]))
    sizes = lambda a: sorted({round(w, 2) for w in (a[:, 2] - a[:, 0]).tolist()})  # noqa: E731
    assert sizes(large) == sizes(small)
    with torch.no_grad():
        head = model.head(list(model.backbone(torch.zeros(1, 3, 432, 432)).values()))
    assert head["bbox_regression"].shape == (1, large.shape[0], 4)


def test_a_strip_has_square_anchors_in_the_heads_order():
    # a 448x672 input (a 1080x720 strip at the training scale): the boxes keep their square pixel sizes (not
    # stretched by the width as torchvision's SSD would), rows of 84 stride-8 cells, and one anchor per head output
    spec = ModelSpec()
    model = build_model(spec)
    square, strip = anchors_xyxy(model, spec, 448), anchors_xyxy(model, spec, (448, 672))
    assert strip.shape == (56 * 84 * 4 + 28 * 42 * 6 + 14 * 21 * 6, 4)
    sizes = lambda a: sorted({(round(w, 2), round(h, 2)) for w, h in (a[:, 2:] - a[:, :2]).tolist()})  # noqa: E731
    assert sizes(strip) == sizes(square)
    assert torch.allclose(strip[84 * 4], torch.tensor([-3.5, 4.5, 11.5, 19.5]))  # row 1, column 0
    assert torch.allclose(strip[83 * 4], torch.tensor([660.5, -3.5, 675.5, 11.5]))  # row 0, last column
    with torch.no_grad():
        head = model.head(list(model.backbone(torch.zeros(1, 3, 448, 672)).values()))
    assert head["bbox_regression"].shape == (1, strip.shape[0], 4)


def test_tiles_without_objects_still_teach_background():
    torch.manual_seed(0)
    ours = build_model(TINY_SPEC).train()
    images = [torch.rand(3, TINY_SPEC.input_size, TINY_SPEC.input_size) for _ in range(2)]
    loss = ours(images, [EMPTY, EMPTY])
    assert loss["classification"].item() > 0  # torchvision's SSD returns 0 here: no positives, no negatives
    plain = SSD.compute_loss  # the same tiles through torchvision's own loss
    matched = [torch.full((anchors_xyxy(ours, TINY_SPEC).shape[0],), -1, dtype=torch.int64)] * 2
    feats = list(ours.backbone(torch.stack(images)).values())
    head = ours.head(feats)
    anchors = [anchors_xyxy(ours, TINY_SPEC)] * 2
    assert plain(ours, [EMPTY, EMPTY], head, anchors, matched)["classification"].item() == 0


def test_band_matcher_marks_near_misses_neither_object_nor_background():
    # 2 objects x 4 anchors: anchor 0 is object 0's (0.6 >= 0.5); anchor 2 is object 1's best, so it is object 1's
    # although 0.4 < 0.5; anchors 1 and 3 overlap an object by 0.45 and 0.36: near misses, -2 (ignored), where
    # torchvision's matching makes them background (-1); under 0.35 they stay background
    iou = torch.tensor([[0.6, 0.45, 0.2, 0.36], [0.1, 0.2, 0.4, 0.3]])
    assert BandMatcher(0.5, 0.35)(iou).tolist() == [0, -2, 1, -2]
    assert SSDMatcher(0.5)(iou).tolist() == [0, -1, 1, -1]
    assert BandMatcher(0.5, 0.4)(iou).tolist() == [0, -2, 1, -1]
    with pytest.raises(ValueError, match="low 0.6 and high 0.5"):
        BandMatcher(0.5, 0.6)


def _loss_with_one_confident_anchor(matched_value: int, spike: float) -> float:
    """Classification loss of a tiny model's tile with one object, where anchor 7 (far from the object) is marked
    ``matched_value`` and its skip logit is ``spike``: a confident mistake if that anchor is background."""
    torch.manual_seed(0)
    model = build_model(TINY_SPEC).train()
    anchors = anchors_xyxy(model, TINY_SPEC)
    target = {"boxes": anchors[100:101].clone(), "labels": torch.tensor([2])}
    matched = torch.full((anchors.shape[0],), -1, dtype=torch.int64)
    matched[100] = 0
    matched[7] = matched_value
    logits = torch.zeros(1, anchors.shape[0], 4)
    logits[0, 7, 2] = spike
    head = {"bbox_regression": torch.zeros(1, anchors.shape[0], 4), "cls_logits": logits}
    return model.compute_loss([target], head, [anchors], [matched])["classification"].item()


def test_ignored_anchors_are_never_mined_as_background():
    # as background, a confident anchor is the hardest negative and raises the loss by ~its logit (x its weight);
    # ignored (-2, from BandMatcher), it is not in the loss at all, whatever it says
    assert _loss_with_one_confident_anchor(-1, 20.0) > _loss_with_one_confident_anchor(-1, 0.0) + 15
    assert _loss_with_one_confident_anchor(-2, 20.0) == _loss_with_one_confident_anchor(-2, 0.0)


def test_ignore_near_misses_switches_the_matching_and_back():
    model = build_model(TINY_SPEC)
    assert type(model.proposal_matcher) is SSDMatcher
    model.ignore_near_misses(0.35)
    assert isinstance(model.proposal_matcher, BandMatcher) and model.proposal_matcher.low_threshold == 0.35
    model.ignore_near_misses(None)
    assert type(model.proposal_matcher) is SSDMatcher and model.proposal_matcher.high_threshold == 0.5


def test_unknown_block_type():
    with pytest.raises(ValueError, match="block"):
        build_model(ModelSpec(block="transformer"))


def test_wide_anchor_training_learns_from_wide_objects_only():
    # under train_only("wide-anchors") a square x teaches nothing (its anchors neither object nor background) and
    # a pill does; the whole network learns from both
    torch.manual_seed(0)
    model = build_model(TINY_SPEC)
    anchors = anchors_xyxy(model, TINY_SPEC)
    wh = anchors[:, 2:] - anchors[:, :2]
    centre = ((anchors[:, :2] + anchors[:, 2:]) / 2 - TINY_SPEC.input_size / 2).abs().sum(1)
    squares = (wh[:, 0] == wh[:, 1]) & (wh[:, 0] > 30)
    square = anchors[squares][centre[squares].argmin()]  # a square anchor mid-tile: a square x
    wide = anchors[(wh[:, 0] > 2.5 * wh[:, 1]) & (wh[:, 0] > 60)][0].clamp(0, TINY_SPEC.input_size - 1)  # a pill
    image = [torch.rand(3, TINY_SPEC.input_size, TINY_SPEC.input_size)]

    def box_loss(box: torch.Tensor) -> float:
        return model(image, [{"boxes": box[None], "labels": torch.tensor([1])}])["bbox_regression"].item()

    model.train_only("all")
    model.train()
    assert box_loss(square) > 0 and box_loss(wide) > 0
    model.train_only("wide-anchors")
    assert box_loss(square) == 0 and box_loss(wide) > 0
    model.train_only("heads")  # every anchor learns again, from every object
    assert box_loss(square) > 0 and box_loss(wide) > 0
    with pytest.raises(ValueError, match="must be one of"):
        model.train_only("backbone")
