import pytest
import torch
from torchvision.models.detection.ssd import SSD

from detector.model import ModelSpec, anchors_xyxy, build_model, feature_sizes

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


def test_unknown_block_type():
    with pytest.raises(ValueError, match="block"):
        build_model(ModelSpec(block="transformer"))
