"""The RAFT network (full and small variants), laid out so the original checkpoints load key for key.

Shapes follow the paper and the authors' released weights: a feature encoder and a context encoder at 1/8
resolution, an all-pairs correlation volume with a 4-level pyramid, and a convolutional GRU that refines
the flow; the full model upsamples with a learned convex combination, the small one bilinearly.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class RaftConfig:
    small: bool = False
    hidden_dim: int = 128
    context_dim: int = 128
    feature_dim: int = 256
    corr_levels: int = 4
    corr_radius: int = 4
    #: output channels of the encoder's three stages
    encoder_dims: tuple[int, int, int] = (64, 96, 128)

    @classmethod
    def full(cls) -> RaftConfig:
        return cls()

    @classmethod
    def small_model(cls) -> RaftConfig:
        return cls(small=True, hidden_dim=96, context_dim=64, feature_dim=128, corr_radius=3, encoder_dims=(32, 64, 96))


def _norm(kind: str, channels: int) -> nn.Module:
    if kind == "instance":
        return nn.InstanceNorm2d(channels)
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "none":
        return nn.Identity()
    raise ValueError(kind)


class ResidualBlock(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, norm: str, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, padding=1, stride=stride)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, padding=1)
        self.norm1 = _norm(norm, out_ch)
        self.norm2 = _norm(norm, out_ch)
        self.downsample = None
        if stride != 1:
            self.norm3 = _norm(norm, out_ch)
            self.downsample = nn.Sequential(nn.Conv2d(in_ch, out_ch, 1, stride=stride), self.norm3)

    def forward(self, x):
        y = F.relu(self.norm1(self.conv1(x)))
        y = F.relu(self.norm2(self.conv2(y)))
        if self.downsample is not None:
            x = self.downsample(x)
        return F.relu(x + y)


class BottleneckBlock(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, norm: str, stride: int = 1) -> None:
        super().__init__()
        mid = out_ch // 4
        self.conv1 = nn.Conv2d(in_ch, mid, 1)
        self.conv2 = nn.Conv2d(mid, mid, 3, padding=1, stride=stride)
        self.conv3 = nn.Conv2d(mid, out_ch, 1)
        self.norm1 = _norm(norm, mid)
        self.norm2 = _norm(norm, mid)
        self.norm3 = _norm(norm, out_ch)
        self.downsample = None
        if stride != 1:
            self.norm4 = _norm(norm, out_ch)
            self.downsample = nn.Sequential(nn.Conv2d(in_ch, out_ch, 1, stride=stride), self.norm4)

    def forward(self, x):
        y = F.relu(self.norm1(self.conv1(x)))
        y = F.relu(self.norm2(self.conv2(y)))
        y = F.relu(self.norm3(self.conv3(y)))
        if self.downsample is not None:
            x = self.downsample(x)
        return F.relu(x + y)


class Encoder(nn.Module):
    """7x7/2 stem, three stages of two blocks (strides 1, 2, 2), 1x1 projection: 1/8 resolution."""

    def __init__(self, dims: tuple[int, int, int], out_dim: int, norm: str, bottleneck: bool) -> None:
        super().__init__()
        block = BottleneckBlock if bottleneck else ResidualBlock
        self.conv1 = nn.Conv2d(3, dims[0], 7, stride=2, padding=3)
        self.norm1 = _norm(norm, dims[0])
        self.layer1 = nn.Sequential(block(dims[0], dims[0], norm, 1), block(dims[0], dims[0], norm, 1))
        self.layer2 = nn.Sequential(block(dims[0], dims[1], norm, 2), block(dims[1], dims[1], norm, 1))
        self.layer3 = nn.Sequential(block(dims[1], dims[2], norm, 2), block(dims[2], dims[2], norm, 1))
        self.conv2 = nn.Conv2d(dims[2], out_dim, 1)

    def forward(self, x):
        x = F.relu(self.norm1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.conv2(x)


class FlowHead(nn.Module):
    def __init__(self, in_ch: int, hidden: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, hidden, 3, padding=1)
        self.conv2 = nn.Conv2d(hidden, 2, 3, padding=1)

    def forward(self, x):
        return self.conv2(F.relu(self.conv1(x)))


class ConvGRU(nn.Module):
    def __init__(self, hidden: int, inp: int) -> None:
        super().__init__()
        self.convz = nn.Conv2d(hidden + inp, hidden, 3, padding=1)
        self.convr = nn.Conv2d(hidden + inp, hidden, 3, padding=1)
        self.convq = nn.Conv2d(hidden + inp, hidden, 3, padding=1)

    def forward(self, h, x):
        hx = torch.cat([h, x], dim=1)
        z = torch.sigmoid(self.convz(hx))
        r = torch.sigmoid(self.convr(hx))
        q = torch.tanh(self.convq(torch.cat([r * h, x], dim=1)))
        return (1 - z) * h + z * q


class SepConvGRU(nn.Module):
    """A GRU step with 1x5 convolutions, then another with 5x1."""

    def __init__(self, hidden: int, inp: int) -> None:
        super().__init__()
        c = hidden + inp
        self.convz1 = nn.Conv2d(c, hidden, (1, 5), padding=(0, 2))
        self.convr1 = nn.Conv2d(c, hidden, (1, 5), padding=(0, 2))
        self.convq1 = nn.Conv2d(c, hidden, (1, 5), padding=(0, 2))
        self.convz2 = nn.Conv2d(c, hidden, (5, 1), padding=(2, 0))
        self.convr2 = nn.Conv2d(c, hidden, (5, 1), padding=(2, 0))
        self.convq2 = nn.Conv2d(c, hidden, (5, 1), padding=(2, 0))

    @staticmethod
    def _step(h, x, convz, convr, convq):
        hx = torch.cat([h, x], dim=1)
        z = torch.sigmoid(convz(hx))
        r = torch.sigmoid(convr(hx))
        q = torch.tanh(convq(torch.cat([r * h, x], dim=1)))
        return (1 - z) * h + z * q

    def forward(self, h, x):
        h = self._step(h, x, self.convz1, self.convr1, self.convq1)
        return self._step(h, x, self.convz2, self.convr2, self.convq2)


class SmallMotionEncoder(nn.Module):
    def __init__(self, corr_ch: int) -> None:
        super().__init__()
        self.convc1 = nn.Conv2d(corr_ch, 96, 1)
        self.convf1 = nn.Conv2d(2, 64, 7, padding=3)
        self.convf2 = nn.Conv2d(64, 32, 3, padding=1)
        self.conv = nn.Conv2d(128, 80, 3, padding=1)

    def forward(self, flow, corr):
        cor = F.relu(self.convc1(corr))
        flo = F.relu(self.convf2(F.relu(self.convf1(flow))))
        out = F.relu(self.conv(torch.cat([cor, flo], dim=1)))
        return torch.cat([out, flow], dim=1)  # 82 channels


class BasicMotionEncoder(nn.Module):
    def __init__(self, corr_ch: int) -> None:
        super().__init__()
        self.convc1 = nn.Conv2d(corr_ch, 256, 1)
        self.convc2 = nn.Conv2d(256, 192, 3, padding=1)
        self.convf1 = nn.Conv2d(2, 128, 7, padding=3)
        self.convf2 = nn.Conv2d(128, 64, 3, padding=1)
        self.conv = nn.Conv2d(64 + 192, 128 - 2, 3, padding=1)

    def forward(self, flow, corr):
        cor = F.relu(self.convc2(F.relu(self.convc1(corr))))
        flo = F.relu(self.convf2(F.relu(self.convf1(flow))))
        out = F.relu(self.conv(torch.cat([cor, flo], dim=1)))
        return torch.cat([out, flow], dim=1)  # 128 channels


class SmallUpdateBlock(nn.Module):
    def __init__(self, corr_ch: int, hidden: int, context: int) -> None:
        super().__init__()
        self.encoder = SmallMotionEncoder(corr_ch)
        self.gru = ConvGRU(hidden, context + 82)
        self.flow_head = FlowHead(hidden, 128)

    def forward(self, net, inp, corr, flow):
        motion = self.encoder(flow, corr)
        net = self.gru(net, torch.cat([inp, motion], dim=1))
        return net, None, self.flow_head(net)


class BasicUpdateBlock(nn.Module):
    def __init__(self, corr_ch: int, hidden: int, context: int) -> None:
        super().__init__()
        self.encoder = BasicMotionEncoder(corr_ch)
        self.gru = SepConvGRU(hidden, context + 128)
        self.flow_head = FlowHead(hidden, 256)
        self.mask = nn.Sequential(nn.Conv2d(hidden, 256, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(256, 64 * 9, 1))

    def forward(self, net, inp, corr, flow):
        motion = self.encoder(flow, corr)
        net = self.gru(net, torch.cat([inp, motion], dim=1))
        # the 0.25 scales the mask logits as in the released model (balances gradients in training)
        return net, 0.25 * self.mask(net), self.flow_head(net)


class CorrPyramid:
    """All-pairs correlation of two 1/8 feature maps, average-pooled into ``levels`` levels, looked up in
    a (2r+1)^2 window around each pixel's current match."""

    def __init__(self, fmap1, fmap2, *, levels: int, radius: int) -> None:
        b, d, h, w = fmap1.shape
        corr = torch.matmul(fmap1.view(b, d, h * w).transpose(1, 2), fmap2.view(b, d, h * w))
        corr = (corr / torch.sqrt(torch.tensor(float(d)))).reshape(b * h * w, 1, h, w)
        self.pyramid = [corr]
        for _ in range(levels - 1):
            corr = F.avg_pool2d(corr, 2, stride=2)
            self.pyramid.append(corr)
        self.radius = radius
        r = radius
        offsets = torch.linspace(-r, r, 2 * r + 1)
        # window sample (i, j) is displaced by offsets[i] in x and offsets[j] in y, i major: the channel order
        # the released weights were trained with
        ox, oy = torch.meshgrid(offsets, offsets, indexing="ij")
        self.delta = torch.stack([ox, oy], dim=-1).view(1, 2 * r + 1, 2 * r + 1, 2)

    def __call__(self, coords):
        b, _, h, w = coords.shape
        centre = coords.permute(0, 2, 3, 1).reshape(b * h * w, 1, 1, 2)
        out = []
        for level, corr in enumerate(self.pyramid):
            pts = centre / 2**level + self.delta.to(coords.dtype)
            hh, ww = corr.shape[-2:]
            # max(.., 1): a 1-pixel-wide coarsest level (tiny inputs) would otherwise divide by zero
            grid = torch.stack([2 * pts[..., 0] / max(ww - 1, 1) - 1, 2 * pts[..., 1] / max(hh - 1, 1) - 1], dim=-1)
            sampled = F.grid_sample(corr, grid, align_corners=True)
            out.append(sampled.view(b, h, w, -1))
        return torch.cat(out, dim=-1).permute(0, 3, 1, 2).contiguous().float()


def coords_grid(batch: int, height: int, width: int, device=None):
    ys, xs = torch.meshgrid(torch.arange(height, device=device), torch.arange(width, device=device), indexing="ij")
    return torch.stack([xs, ys], dim=0).float()[None].repeat(batch, 1, 1, 1)


def upsample_convex(flow, mask):
    """Upsample 1/8 flow x8: each fine pixel is a softmax-weighted mix of the 3x3 coarse neighbours."""
    n, _, h, w = flow.shape
    mask = torch.softmax(mask.view(n, 1, 9, 8, 8, h, w), dim=2)
    patches = F.unfold(8 * flow, [3, 3], padding=1).view(n, 2, 9, 1, 1, h, w)
    up = torch.sum(mask * patches, dim=2)  # n, 2, 8, 8, h, w
    return up.permute(0, 1, 4, 2, 5, 3).reshape(n, 2, 8 * h, 8 * w)


def upsample_bilinear8(flow):
    _, _, h, w = flow.shape
    return 8 * F.interpolate(flow, size=(8 * h, 8 * w), mode="bilinear", align_corners=True)


class RAFT(nn.Module):
    def __init__(self, config: RaftConfig | None = None) -> None:
        super().__init__()
        self.config = c = config or RaftConfig()
        corr_ch = c.corr_levels * (2 * c.corr_radius + 1) ** 2
        if c.small:
            self.fnet = Encoder(c.encoder_dims, c.feature_dim, "instance", bottleneck=True)
            self.cnet = Encoder(c.encoder_dims, c.hidden_dim + c.context_dim, "none", bottleneck=True)
            self.update_block = SmallUpdateBlock(corr_ch, c.hidden_dim, c.context_dim)
        else:
            self.fnet = Encoder(c.encoder_dims, c.feature_dim, "instance", bottleneck=False)
            self.cnet = Encoder(c.encoder_dims, c.hidden_dim + c.context_dim, "batch", bottleneck=False)
            self.update_block = BasicUpdateBlock(corr_ch, c.hidden_dim, c.context_dim)

    def forward(self, image1, image2, *, iters: int = 12, flow_init=None):
        """``image1``, ``image2``: (B, 3, H, W) in [0, 255], H and W multiples of 8. Returns the full-resolution
        flow (B, 2, H, W) after ``iters`` refinements."""
        c = self.config
        image1 = 2 * (image1 / 255.0) - 1
        image2 = 2 * (image2 / 255.0) - 1
        fmaps = self.fnet(torch.cat([image1, image2], dim=0)).float()
        fmap1, fmap2 = torch.split(fmaps, image1.shape[0], dim=0)
        corr_fn = CorrPyramid(fmap1, fmap2, levels=c.corr_levels, radius=c.corr_radius)
        net, inp = torch.split(self.cnet(image1), [c.hidden_dim, c.context_dim], dim=1)
        net, inp = torch.tanh(net), torch.relu(inp)
        b, _, h, w = image1.shape
        coords0 = coords_grid(b, h // 8, w // 8, device=image1.device)
        coords1 = coords0.clone()
        if flow_init is not None:
            coords1 = coords1 + flow_init
        flow_up = None
        for _ in range(iters):
            corr = corr_fn(coords1)
            net, mask, delta = self.update_block(net, inp, corr, coords1 - coords0)
            coords1 = coords1 + delta
        flow = coords1 - coords0
        flow_up = upsample_bilinear8(flow) if mask is None else upsample_convex(flow, mask)
        return flow_up
