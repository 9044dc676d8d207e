"""The detector network: torchvision's ``SSD`` with a small backbone of our own and SSDLite heads.

Contract (torchvision's): in training ``model(images, targets)`` returns ``{"bbox_regression", "classification"}``
losses; in eval ``model(images)`` returns per-image ``boxes``/``scores``/``labels``. closebot's own inference path
(:mod:`detector.engine`) calls the backbone and head directly on batches of tiles and converts at the boundary to
:class:`detector.types.Detection`, so nothing outside ``detector/`` sees tensors.

Design (see README "Detector design"): tiles of ~480 native pixels are resized to ``input_size`` (288 -> scale 0.6),
so targets of 24-150 screen pixels are 14-90 input pixels. SSDLite320's smallest default anchor is 64 px, far too
big; ours start at 16 px on a stride-8 map. A 4x4/stride-4 "patchify" stem keeps high-resolution cost low: on this
2-core CPU it was 6x faster than a MobileNet-style stride-2 stem at equal depth.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from typing import Any

import torch
from torch import Tensor, nn
from torchvision.models.detection._utils import Matcher, SSDMatcher
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.ssd import SSD
from torchvision.models.detection.ssdlite import SSDLiteHead
from torchvision.ops import box_iou

from detector.types import CLASSES, TRAIN_PARTS


@dataclass(frozen=True)
class ModelSpec:
    """Everything needed to rebuild the network; stored in every weights file."""

    input_size: int = 288
    widths: tuple[int, ...] = (24, 32, 64, 128, 192)
    # "dense": plain 3x3 convolutions (4-6x more multiply-adds per ms than depthwise ones on this CPU, and they
    # learn faster); "separable": depthwise + pointwise blocks (fewer parameters, slower to train).
    block: str = "dense"
    # Anchor scales in input pixels for the 3 feature maps (k) and one past the last: map k gets s_k and sqrt(s_k*s_k+1)
    anchor_px: tuple[float, ...] = (15.0, 34.0, 72.0, 150.0)
    aspect_ratios: tuple[tuple[int, ...], ...] = ((2,), (2, 3), (2, 3))
    steps: tuple[int, ...] = (8, 16, 32)
    classes: tuple[str, ...] = field(default=CLASSES)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ModelSpec:
        return cls(
            input_size=int(d["input_size"]),
            block=str(d.get("block", "separable")),
            widths=tuple(int(w) for w in d["widths"]),
            anchor_px=tuple(float(a) for a in d["anchor_px"]),
            aspect_ratios=tuple(tuple(int(r) for r in ar) for ar in d["aspect_ratios"]),
            steps=tuple(int(s) for s in d["steps"]),
            classes=tuple(d["classes"]),
        )


def _conv_bn(cin: int, cout: int, k: int, s: int, groups: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, s, padding=(k - 1) // 2 if k % 2 else 0, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU6(inplace=True),
    )


class SeparableBlock(nn.Module):
    """Depthwise 3x3 + pointwise 1x1, with a residual when shapes match."""

    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.dw = _conv_bn(cin, cin, 3, stride, groups=cin)
        self.pw = nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.act = nn.ReLU6(inplace=True)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: Tensor) -> Tensor:
        y = self.pw(self.dw(x))
        return self.act(y + x if self.residual else y)


class DenseBlock(nn.Module):
    """3x3 convolution, batch norm, ReLU6; residual when shapes match."""

    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout))
        self.act = nn.ReLU6(inplace=True)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: Tensor) -> Tensor:
        y = self.conv(x)
        return self.act(y + x if self.residual else y)


class TileBackbone(nn.Module):
    """Patchify stem (stride 4) and three stages giving stride 8, 16 and 32 maps, with one top-down fusion so the
    stride-8 map (small x marks) also sees the wider context of stride 16 (is this x inside a line of text?)."""

    def __init__(self, widths: tuple[int, ...], block: str = "dense") -> None:
        super().__init__()
        w0, w1, w2, w3, w4 = widths
        if block == "dense":
            self.stem = nn.Sequential(_conv_bn(3, w0, 4, 4), DenseBlock(w0, w1))
            self.stage8 = nn.Sequential(DenseBlock(w1, w2, 2), DenseBlock(w2, w2))
            self.stage16 = nn.Sequential(DenseBlock(w2, w3, 2), DenseBlock(w3, w3))
            self.stage32 = nn.Sequential(DenseBlock(w3, w4, 2), DenseBlock(w4, w4))
        elif block == "separable":
            self.stem = nn.Sequential(_conv_bn(3, w0, 4, 4), SeparableBlock(w0, w1))
            self.stage8 = nn.Sequential(SeparableBlock(w1, w2, 2), SeparableBlock(w2, w2), SeparableBlock(w2, w2))
            self.stage16 = nn.Sequential(SeparableBlock(w2, w3, 2), SeparableBlock(w3, w3), SeparableBlock(w3, w3))
            self.stage32 = nn.Sequential(SeparableBlock(w3, w4, 2), SeparableBlock(w4, w4))
        else:
            raise ValueError(f"unknown block type {block!r}; expected 'dense' or 'separable'")
        self.lateral16 = nn.Sequential(nn.Conv2d(w3, w2, 1, bias=False), nn.BatchNorm2d(w2))
        self.fuse8 = SeparableBlock(w2, w2)
        self.out_channels = [w2, w3, w4]

    def forward(self, x: Tensor) -> OrderedDict[str, Tensor]:
        c8 = self.stage8(self.stem(x))
        c16 = self.stage16(c8)
        c32 = self.stage32(c16)
        up = nn.functional.interpolate(self.lateral16(c16), size=c8.shape[-2:], mode="nearest")
        p8 = self.fuse8(c8 + up)
        return OrderedDict([("0", p8), ("1", c16), ("2", c32)])


class BandMatcher(SSDMatcher):
    """torchvision's SSD matching (an anchor is an object's when their IoU is at least ``high``, and every object
    gets its best anchor whatever the IoU), except that an anchor whose best IoU is in [``low``, ``high``) and is no
    object's best is marked ``Matcher.BETWEEN_THRESHOLDS`` (-2): neither an object nor background.

    Why: a thin box (a 3:1 skip or close pill, ~40 model px high) centred half a stride-32 cell from every default
    box's centre overlaps the two nearest ones equally, ~0.4 each. Plain SSD matching makes one of them the object's
    and the other *background*, so the network is taught both answers for the same picture and scores such a pill
    ~0.5 wherever the tile happens to put it there (``scripts/phase-probe.py``: a third of long boxes found or lost by
    the offset alone). Ignoring the near misses removes the contradiction."""

    def __init__(self, high: float, low: float) -> None:
        if not 0.0 < low <= high:
            raise ValueError(f"ignore band needs 0 < low <= high, got low {low} and high {high}")
        Matcher.__init__(self, high, low, allow_low_quality_matches=False)


class ClosebotSSD(SSD):
    """torchvision's SSD with three changes to its loss, all for never tapping the wrong thing:

    * hard-negative mining takes at least ``min_negatives`` anchors from every tile, also from tiles without any
      object (torchvision's takes 3 per positive, so a tile of pure art or decoys taught nothing);
    * the classification loss weighs classes (``class_weights``, background first): a close or skip anchor counts
      more than one of the many ja_char anchors;
    * with :meth:`ignore_near_misses`, anchors overlapping an object almost enough to be its are not mined as
      background (:class:`BandMatcher`);
    * with :meth:`train_only`, a fine-tune may change only some of the outputs (``"wide-anchors"``: the scores and
      boxes of the anchors wider than tall, where pills are found), every other output staying bit for bit, or only
      the heads' last layers (``"heads"``);
    * in training, inputs of another size than the training square (strips, ``CropPolicy(shape="strip")``) are
      seen at their own size with the default boxes the engine gives that size (:meth:`native_loss`), where
      torchvision's would resize them to the square.
    """

    def __init__(
        self,
        *args: Any,
        spec: ModelSpec | None = None,
        class_weights: tuple[float, ...] = (1.0, 3.0, 3.0, 1.0),
        min_negatives: int = 32,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec or ModelSpec()
        self._square_anchors: int | None = None
        self.register_buffer("class_weights", torch.tensor(class_weights, dtype=torch.float32), persistent=False)
        self.min_negatives = min_negatives
        self.part = "all"  # what training may change (train_only)

    def train_only(self, part: str) -> list[nn.Parameter]:
        """Training only: freeze all but ``part`` of the network and return the parameters left to train.

        ``"all"``: everything (the default). ``"wide-anchors"``: only the last 1x1 convolutions of the heads, and
        the loss (positives and mined negatives alike) only over anchors wider than tall, and from wide objects
        only (:func:`_wide_only`). Each output channel of those convolutions belongs to one anchor shape, so the
        rows of the square and tall anchors get exactly zero gradient; with batch norm kept in inference mode
        (:meth:`train`) and no weight decay (the caller's part), their outputs stay those of the network fine-tuned
        from. What a fine-tune on pills can then move is the
        pills' anchors alone, not the features every small x is found with. ``"heads"``: the same last 1x1
        convolutions, for every anchor and object (the features and batch norm frozen as above): a fine-tune that
        can re-weigh what the network already sees but not change the features."""
        if part not in TRAIN_PARTS:
            raise ValueError(f"part must be one of {', '.join(TRAIN_PARTS)}, got {part!r}")
        self.part = part
        if part == "all":
            params = list(self.parameters())
            for p in params:
                p.requires_grad_(True)
            return params
        for p in self.parameters():
            p.requires_grad_(False)
        heads = (self.head.classification_head.module_list, self.head.regression_head.module_list)
        params = [p for blocks in heads for block in blocks for p in block[-1].parameters()]
        for p in params:
            p.requires_grad_(True)
        self.train(self.training)  # batch norm to inference mode
        return params

    def train(self, mode: bool = True) -> ClosebotSSD:
        super().train(mode)
        if self.part != "all":  # frozen features: batch statistics neither used nor updated
            for m in self.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()
        return self

    def forward(self, images: list[Tensor], targets: list[dict[str, Tensor]] | None = None) -> Any:
        square = (self.spec.input_size, self.spec.input_size)
        if self.training and targets is not None and any(tuple(i.shape[-2:]) != square for i in images):
            return self.native_loss(images, targets)
        return super().forward(images, targets)

    def native_loss(self, images: list[Tensor], targets: list[dict[str, Tensor]]) -> dict[str, Tensor]:
        """The training losses of ``images`` of any size, each seen at its own size (no resizing), with the
        default boxes :func:`anchors_xyxy` gives that size, as the engine decodes them at inference. Images of one
        size go through the network together; the losses are those of one batch (normalised by the whole batch's
        matched anchors, as :meth:`compute_loss` normalises), and an input mines background in proportion to its
        default boxes (a strip of 288 x 672 px as many as the 2.3 training squares of its area would). On training
        squares it is torchvision's path (its default boxes there: :func:`anchors_xyxy`'s differ by float rounding,
        ~3e-5 px, enough to flip a tied match)."""
        groups: dict[tuple[int, int], list[int]] = {}
        for i, img in enumerate(images):
            groups.setdefault((int(img.shape[-2]), int(img.shape[-1])), []).append(i)
        sums = {"bbox_regression": 0.0, "classification": 0.0}
        total_fg = 0
        for dims, idx in groups.items():
            x = torch.stack([self.transform.normalize(images[i]) for i in idx])
            if next(self.parameters()).is_contiguous(memory_format=torch.channels_last):
                x = x.contiguous(memory_format=torch.channels_last)
            features = list(self.backbone(x).values())
            head = self.head(features)
            if dims == (self.spec.input_size, self.spec.input_size):  # torchvision's own, bit for bit
                anchors = self.anchor_generator(ImageList(x, [dims] * len(idx)), features)[0]
            else:
                anchors = anchors_xyxy(self, self.spec, dims).to(x.device)
            tgts = [targets[i] for i in idx]
            per_image = [anchors] * len(idx)
            matched = [
                torch.full((anchors.size(0),), -1, dtype=torch.int64, device=x.device)
                if t["boxes"].numel() == 0
                else self.proposal_matcher(box_iou(t["boxes"], anchors))
                for t in tgts
            ]
            counted = sum(int((m >= 0).sum()) for m in self._loss_matches(tgts, per_image, matched))
            # sums over the group / max(1, counted); background mined per area as on training squares
            losses = self.compute_loss(tgts, head, per_image, matched, anchors.size(0) / self.square_anchors())
            for k in sums:
                sums[k] = sums[k] + losses[k] * max(1, counted)
            total_fg += counted
        n = max(1, total_fg)
        return {k: v / n for k, v in sums.items()}

    def square_anchors(self) -> int:
        """How many default boxes a training square has (counted once)."""
        if self._square_anchors is None:
            self._square_anchors = int(anchors_xyxy(self, self.spec, self.spec.input_size).size(0))
        return self._square_anchors

    def _loss_matches(
        self, targets: list[dict[str, Tensor]], anchors: list[Tensor], matched: list[Tensor]
    ) -> list[Tensor]:
        """The matches :meth:`compute_loss` counts as foreground (under ``train_only("wide-anchors")``, wide ones)."""
        if self.part == "wide-anchors":
            return [_wide_only(t["boxes"], a, m) for t, a, m in zip(targets, anchors, matched, strict=True)]
        return matched

    def ignore_near_misses(self, low: float | None) -> None:
        """Training only: anchors whose best IoU with an object is in [``low``, the matching threshold) are neither
        object nor background (None: torchvision's matching, every unmatched anchor a background candidate)."""
        high = self.proposal_matcher.high_threshold
        self.proposal_matcher = SSDMatcher(high) if low is None else BandMatcher(high, low)

    def compute_loss(
        self,
        targets: list[dict[str, Tensor]],
        head_outputs: dict[str, Tensor],
        anchors: list[Tensor],
        matched_idxs: list[Tensor],
        negatives_scale: float = 1.0,
    ) -> dict[str, Tensor]:
        """torchvision's loss with the changes of the class docstring; ``negatives_scale`` multiplies the
        background anchors mined per tile (:meth:`native_loss`: a strip of 2.3 squares' area mines as many as they
        would)."""
        bbox_regression = head_outputs["bbox_regression"]
        cls_logits = head_outputs["cls_logits"]
        num_foreground = 0
        bbox_loss = []
        cls_targets = []
        matched_idxs = self._loss_matches(targets, anchors, matched_idxs)
        for tgt, reg, logits, anc, matched in zip(
            targets, bbox_regression, cls_logits, anchors, matched_idxs, strict=True
        ):
            fg = torch.where(matched >= 0)[0]
            fg_matched = matched[fg]
            num_foreground += fg_matched.numel()
            target_regression = self.box_coder.encode_single(tgt["boxes"][fg_matched], anc[fg, :])
            bbox_loss.append(nn.functional.smooth_l1_loss(reg[fg, :], target_regression, reduction="sum"))
            gt = torch.zeros((logits.size(0),), dtype=tgt["labels"].dtype, device=tgt["labels"].device)
            gt[fg] = tgt["labels"][fg_matched]
            cls_targets.append(gt)
        bbox = torch.stack(bbox_loss)
        cls_t = torch.stack(cls_targets)
        num_classes = cls_logits.size(-1)
        ce = nn.functional.cross_entropy(cls_logits.reshape(-1, num_classes), cls_t.reshape(-1), reduction="none")
        ce = ce.view(cls_t.size())
        weighted = ce * self.class_weights[cls_t]
        foreground = cls_t > 0
        ignored = torch.stack(matched_idxs) == Matcher.BETWEEN_THRESHOLDS  # none unless ignore_near_misses
        num_negative = (self.neg_to_pos_ratio * foreground.sum(1, keepdim=True)).clamp(min=self.min_negatives)
        if negatives_scale != 1.0:
            num_negative = (num_negative * negatives_scale).round()
        negative_loss = ce.clone()
        negative_loss[foreground | ignored] = -float("inf")
        _, idx = negative_loss.sort(1, descending=True)
        background = (idx.sort(1)[1] < num_negative) & ~foreground & ~ignored
        n = max(1, num_foreground)
        return {
            "bbox_regression": bbox.sum() / n,
            "classification": (weighted[foreground].sum() + weighted[background].sum()) / n,
        }


WIDE_OBJECT = 1.5  # width / height from which a labelled object counts as wide (a pill) for train_only


def _wide(boxes: Tensor, ratio: float = 1.01) -> Tensor:
    """Which of (N, 4) x1y1x2y2 boxes are wider than tall by ``ratio`` (default: anchors of the 2:1 and 3:1 shapes,
    not square ones)."""
    return (boxes[:, 2] - boxes[:, 0]) > ratio * (boxes[:, 3] - boxes[:, 1])


def _wide_only(objects: Tensor, anchors: Tensor, matched: Tensor) -> Tensor:
    """``matched`` (one tile's matcher output) with every anchor that is not wide, or is matched to an object that is
    not wide (a square x), marked neither object nor background (``Matcher.BETWEEN_THRESHOLDS``, as
    :class:`BandMatcher` marks near misses): under ``train_only("wide-anchors")`` those outputs learn pills only."""
    keep = _wide(anchors)
    if objects.numel():
        keep &= (matched < 0) | _wide(objects, WIDE_OBJECT)[matched.clamp(min=0)]
    return torch.where(keep, matched, Matcher.BETWEEN_THRESHOLDS)


def anchor_generator(spec: ModelSpec) -> DefaultBoxGenerator:
    scales = [a / spec.input_size for a in spec.anchor_px]
    return DefaultBoxGenerator([list(r) for r in spec.aspect_ratios], scales=scales, steps=list(spec.steps), clip=False)


def build_model(spec: ModelSpec | None = None) -> SSD:
    """A randomly initialised SSD for ``spec`` (no downloaded weights, ever)."""
    spec = spec or ModelSpec()
    backbone = TileBackbone(spec.widths, spec.block)
    anchors = anchor_generator(spec)
    norm = partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)
    head = SSDLiteHead(backbone.out_channels, anchors.num_anchors_per_location(), len(spec.classes) + 1, norm)
    size = (spec.input_size, spec.input_size)
    return ClosebotSSD(
        backbone,
        anchors,
        size,
        spec=spec,
        num_classes=len(spec.classes) + 1,
        image_mean=[0.5, 0.5, 0.5],
        image_std=[0.25, 0.25, 0.25],
        head=head,
        score_thresh=0.05,
        nms_thresh=0.45,
        detections_per_img=100,
        topk_candidates=200,
    )


def feature_sizes(input_size: int) -> list[int]:
    """Side of the stride 8, 16 and 32 maps for an input side (stem: k4 s4 no padding; then k3 s2 p1 convs)."""
    n = input_size // 4
    sizes = []
    for _ in range(3):
        n = (n - 1) // 2 + 1
        sizes.append(n)
    return sizes


@torch.no_grad()
def anchors_xyxy(model: SSD, spec: ModelSpec, size: int | tuple[int, int] | None = None) -> Tensor:
    """The model's default boxes for one tile of ``size`` input pixels (a square side or (height, width); default:
    the training size), as (A, 4) x1y1x2y2 input pixels, in the order of the head's outputs (what SSD computes per
    image).

    The network is fully convolutional, so a larger tile is just a larger grid: the anchors keep their size in
    pixels (``spec.anchor_px``) and their step (``spec.steps``); only their number grows. (torchvision's SSD scales
    default boxes by the image's width and height apart, which would squash them on a non-square input.)"""
    h, w = (size, size) if isinstance(size, int) else (size or (spec.input_size, spec.input_size))
    generator = model.anchor_generator if h == spec.input_size else anchor_generator(replace(spec, input_size=h))
    grid = [[fh, fw] for fh, fw in zip(feature_sizes(h), feature_sizes(w), strict=True)]
    boxes = generator._grid_default_boxes(grid, [h, w], dtype=torch.float32)
    cx, cy = boxes[:, 0] * w, boxes[:, 1] * h  # centres: fractions of each side
    half = boxes[:, 2:] * h / 2  # sizes: fractions of input_size, here h
    return torch.stack([cx - half[:, 0], cy - half[:, 1], cx + half[:, 0], cy + half[:, 1]], dim=1)
