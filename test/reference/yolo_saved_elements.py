"""Per-sample elements PyTorch's autograd saves for backward in a YOLOv8 or YOLO11 detection network, measured with
torch.autograd.graph.saved_tensors_hooks: each saved tensor's storage is counted once (a view keeps its whole storage),
at batch 2 minus batch 1, so per-batch tensors (weights, BatchNorm's running and per-channel statistics) cancel.

The networks are written here from the layer shapes of Ultralytics' yolov8.yaml and yolo11.yaml and their modules'
descriptions (Conv = Conv2d(bias=False) + BatchNorm2d + SiLU; C2f; SPPF; the v8 Detect head's cv2/cv3 branches; YOLO11's
C3k2 / C3k, C2PSA with its attention block written out as two matmuls and a softmax, and the Detect head's depthwise
class branch, as src/core/models/families/yolo.ts describes them); it is not Ultralytics' code, which is not installed.
The segmentation, pose and classification networks put the Segment head (the Detect head, a Proto of conv, 2x2
transposed conv, conv, conv, and a mask-coefficient branch per input), the Pose head (a keypoint branch per input) or the
Classify head (1x1 conv to 1280, average pool, dropout p=0, linear) on the same bodies (the classification ones end at
the P5 block: no SPPF). Reads {"version": "8" | "11", "task": "detect" | "segment" | "pose" | "classify", "scale": "n",
"nc": 80, "sizes": [64, 128]} on stdin ("version" defaults to "8", "task" to "detect"), prints
{"torch": version, "params": n, "saved": {size: elements}}.
"""
import json
import math
import sys

import torch
from torch import nn

SCALES = {"n": (0.33, 0.25, 1024), "s": (0.33, 0.5, 1024), "m": (0.67, 0.75, 768), "l": (1.0, 1.0, 512), "x": (1.0, 1.25, 512)}
SCALES_CLS = {"n": (0.33, 0.25, 1024), "s": (0.33, 0.5, 1024), "m": (0.67, 0.75, 1024), "l": (1.0, 1.0, 1024), "x": (1.0, 1.25, 1024)}
SCALES_11 = {"n": (0.5, 0.25, 1024), "s": (0.5, 0.5, 1024), "m": (0.5, 1.0, 512), "l": (1.0, 1.0, 512), "x": (1.0, 1.5, 512)}


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1, groups=1, act=True):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(c2)
        self.act = nn.SiLU() if act else nn.Identity()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut, hidden=None):
        super().__init__()
        h = c if hidden is None else hidden
        self.cv1, self.cv2, self.add = Conv(c, h, 3), Conv(h, c, 3), shortcut

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    def __init__(self, c1, c2, n, shortcut):
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, shortcut) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        for m in self.m:
            y.append(m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c = c1 // 2
        self.cv1, self.cv2 = Conv(c1, c, 1), Conv(4 * c, c2, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        y = [self.cv1(x)]
        for _ in range(3):
            y.append(self.m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class Detect(nn.Module):
    def __init__(self, nc, ch, reg_max=16):
        super().__init__()
        c2, c3 = max(16, ch[0] // 4, 4 * reg_max), max(ch[0], min(nc, 100))
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 4 * reg_max, 1)) for x in ch)
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in ch)
        self.dfl = nn.Conv2d(reg_max, 1, 1, bias=False).requires_grad_(False)

    def forward(self, xs):
        return [torch.cat((b(x), c(x)), 1) for x, b, c in zip(xs, self.cv2, self.cv3)]


class Proto(nn.Module):
    def __init__(self, c1, npr, nm):
        super().__init__()
        self.cv1, self.cv2, self.cv3 = Conv(c1, npr, 3), Conv(npr, npr, 3), Conv(npr, nm, 1)
        self.upsample = nn.ConvTranspose2d(npr, npr, 2, 2, 0, bias=True)

    def forward(self, x):
        return self.cv3(self.cv2(self.upsample(self.cv1(x))))


class WithBranch(nn.Module):
    """A Detect head plus a per-input branch of `out` channels (mask coefficients or keypoints) and, for masks, a Proto."""

    def __init__(self, detect, ch, out, npr=None):
        super().__init__()
        self.detect = detect
        c4 = max(ch[0] // 4, out)
        self.cv4 = nn.ModuleList(nn.Sequential(Conv(x, c4, 3), Conv(c4, c4, 3), nn.Conv2d(c4, out, 1)) for x in ch)
        self.proto = Proto(ch[0], npr, out) if npr is not None else None

    def forward(self, xs):
        extra = [b(x) for x, b in zip(xs, self.cv4)]
        if self.proto is not None:
            extra.append(self.proto(xs[0]))
        return self.detect(xs) + extra


def head(task, detect, ch, npr):
    if task == "segment":
        return WithBranch(detect, ch, 32, npr)
    if task == "pose":
        return WithBranch(detect, ch, 17 * 3)
    return detect


class Classify(nn.Module):
    def __init__(self, c1, nc):
        super().__init__()
        self.conv = Conv(c1, 1280, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.drop = nn.Dropout(p=0.0, inplace=True)
        self.linear = nn.Linear(1280, nc)

    def forward(self, x):
        return self.linear(self.drop(self.pool(self.conv(x)).flatten(1)))


class Classifier(nn.Module):
    def __init__(self, layers, c, nc):
        super().__init__()
        self.b = nn.Sequential(*layers)
        self.head = Classify(c, nc)

    def forward(self, x):
        return self.head(self.b(x))


class YOLOv8(nn.Module):
    def __init__(self, scale, nc, task="detect"):
        super().__init__()
        d, w, mc = SCALES[scale]
        ch = lambda c: math.ceil(min(c, mc) * w / 8) * 8
        n = lambda r: max(round(r * d), 1)
        c64, c128, c256, c512, c1024 = ch(64), ch(128), ch(256), ch(512), ch(1024)
        self.b = nn.ModuleList([
            Conv(3, c64, 3, 2), Conv(c64, c128, 3, 2), C2f(c128, c128, n(3), True),
            Conv(c128, c256, 3, 2), C2f(c256, c256, n(6), True),
            Conv(c256, c512, 3, 2), C2f(c512, c512, n(6), True),
            Conv(c512, c1024, 3, 2), C2f(c1024, c1024, n(3), True), SPPF(c1024, c1024, 5),
        ])
        self.up = nn.Upsample(None, 2, "nearest")
        self.h12 = C2f(c1024 + c512, c512, n(3), False)
        self.h15 = C2f(c512 + c256, c256, n(3), False)
        self.h16 = Conv(c256, c256, 3, 2)
        self.h18 = C2f(c256 + c512, c512, n(3), False)
        self.h19 = Conv(c512, c512, 3, 2)
        self.h21 = C2f(c512 + c1024, c1024, n(3), False)
        self.detect = head(task, Detect(nc, (c256, c512, c1024)), (c256, c512, c1024), ch(256))

    def forward(self, x):
        out = []
        for m in self.b:
            x = m(x)
            out.append(x)
        p12 = self.h12(torch.cat((self.up(out[9]), out[6]), 1))
        p15 = self.h15(torch.cat((self.up(p12), out[4]), 1))
        p18 = self.h18(torch.cat((self.h16(p15), p12), 1))
        p21 = self.h21(torch.cat((self.h19(p18), out[9]), 1))
        return self.detect([p15, p18, p21])


class C3k(nn.Module):
    """Two 1x1 branches of c // 2 channels; two full-width 3x3 bottlenecks with residuals on the first; a 1x1 merge."""

    def __init__(self, c):
        super().__init__()
        h = c // 2
        self.cv1, self.cv2, self.cv3 = Conv(c, h, 1), Conv(c, h, 1), Conv(2 * h, c, 1)
        self.m = nn.Sequential(Bottleneck(h, True), Bottleneck(h, True))

    def forward(self, x):
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class C3k2(nn.Module):
    """C2f's split-and-extend layout with hidden width int(c2 * e); each inner block is a C3k or a half-width bottleneck."""

    def __init__(self, c1, c2, n, c3k, e=0.5):
        super().__init__()
        self.c = int(c2 * e)
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(C3k(self.c) if c3k else Bottleneck(self.c, True, self.c // 2) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        for m in self.m:
            y.append(m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class SelfAttention(nn.Module):
    """Multi-head attention over the positions of a map: 1x1 qkv (no activation), scores q^T k scaled and softmaxed,
    v weighted by them, plus a depthwise 3x3 of v; a 1x1 projection. Heads of width c // heads, keys of half that."""

    def __init__(self, c, heads):
        super().__init__()
        self.heads, self.hd = heads, c // heads
        self.kd = self.hd // 2
        self.qkv = Conv(c, c + 2 * self.kd * heads, 1, act=False)
        self.proj = Conv(c, c, 1, act=False)
        self.pe = Conv(c, c, 3, groups=c, act=False)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(x).view(b, self.heads, 2 * self.kd + self.hd, h * w).split([self.kd, self.kd, self.hd], dim=2)
        scores = ((q.transpose(-2, -1) @ k) * self.kd ** -0.5).softmax(dim=-1)
        y = (v @ scores.transpose(-2, -1)).view(b, c, h, w) + self.pe(v.reshape(b, c, h, w))
        return self.proj(y)


class PSABlock(nn.Module):
    def __init__(self, c, heads):
        super().__init__()
        self.attn = SelfAttention(c, heads)
        self.ffn = nn.Sequential(Conv(c, 2 * c, 1), Conv(2 * c, c, 1, act=False))

    def forward(self, x):
        x = x + self.attn(x)
        return x + self.ffn(x)


class C2PSA(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.c = c // 2
        self.cv1, self.cv2 = Conv(c, 2 * self.c, 1), Conv(2 * self.c, c, 1)
        self.m = nn.Sequential(*(PSABlock(self.c, self.c // 64) for _ in range(n)))

    def forward(self, x):
        a, b = self.cv1(x).split((self.c, self.c), dim=1)
        return self.cv2(torch.cat((a, self.m(b)), 1))


class Detect11(Detect):
    """The v8 head with the class branch made of depthwise 3x3 + pointwise 1x1 pairs."""

    def __init__(self, nc, ch, reg_max=16):
        super().__init__(nc, ch, reg_max)
        c3 = max(ch[0], min(nc, 100))
        self.cv3 = nn.ModuleList(
            nn.Sequential(Conv(x, x, 3, groups=x), Conv(x, c3, 1), Conv(c3, c3, 3, groups=c3), Conv(c3, c3, 1), nn.Conv2d(c3, nc, 1))
            for x in ch
        )


class YOLO11(nn.Module):
    def __init__(self, scale, nc, task="detect"):
        super().__init__()
        d, w, mc = SCALES_11[scale]
        ch = lambda c: math.ceil(min(c, mc) * w / 8) * 8
        n = lambda r: max(round(r * d), 1)
        big = scale in "mlx"
        c64, c128, c256, c512, c1024 = ch(64), ch(128), ch(256), ch(512), ch(1024)
        self.b = nn.ModuleList([
            Conv(3, c64, 3, 2), Conv(c64, c128, 3, 2), C3k2(c128, c256, n(2), big, 0.25),
            Conv(c256, c256, 3, 2), C3k2(c256, c512, n(2), big, 0.25),
            Conv(c512, c512, 3, 2), C3k2(c512, c512, n(2), True),
            Conv(c512, c1024, 3, 2), C3k2(c1024, c1024, n(2), True), SPPF(c1024, c1024, 5), C2PSA(c1024, n(2)),
        ])
        self.up = nn.Upsample(None, 2, "nearest")
        self.h13 = C3k2(c1024 + c512, c512, n(2), big)
        self.h16 = C3k2(c512 + c512, c256, n(2), big)
        self.h17 = Conv(c256, c256, 3, 2)
        self.h19 = C3k2(c256 + c512, c512, n(2), big)
        self.h20 = Conv(c512, c512, 3, 2)
        self.h22 = C3k2(c512 + c1024, c1024, n(2), True)
        self.detect = head(task, Detect11(nc, (c256, c512, c1024)), (c256, c512, c1024), ch(256))

    def forward(self, x):
        out = []
        for m in self.b:
            x = m(x)
            out.append(x)
        p13 = self.h13(torch.cat((self.up(out[10]), out[6]), 1))
        p16 = self.h16(torch.cat((self.up(p13), out[4]), 1))
        p19 = self.h19(torch.cat((self.h17(p16), p13), 1))
        p22 = self.h22(torch.cat((self.h20(p19), out[10]), 1))
        return self.detect([p16, p19, p22])


def classifier(v11, scale, nc):
    """The classification bodies: the detection backbones up to the P5 block; YOLO11's then C2PSA (no SPPF)."""
    d, w, mc = (SCALES_11 if v11 else SCALES_CLS)[scale]
    ch = lambda c: math.ceil(min(c, mc) * w / 8) * 8
    n = lambda r: max(round(r * d), 1)
    c64, c128, c256, c512, c1024 = ch(64), ch(128), ch(256), ch(512), ch(1024)
    if v11:
        big = scale in "mlx"
        layers = [
            Conv(3, c64, 3, 2), Conv(c64, c128, 3, 2), C3k2(c128, c256, n(2), big, 0.25),
            Conv(c256, c256, 3, 2), C3k2(c256, c512, n(2), big, 0.25),
            Conv(c512, c512, 3, 2), C3k2(c512, c512, n(2), True),
            Conv(c512, c1024, 3, 2), C3k2(c1024, c1024, n(2), True), C2PSA(c1024, n(2)),
        ]
    else:
        layers = [
            Conv(3, c64, 3, 2), Conv(c64, c128, 3, 2), C2f(c128, c128, n(3), True),
            Conv(c128, c256, 3, 2), C2f(c256, c256, n(6), True),
            Conv(c256, c512, 3, 2), C2f(c512, c512, n(6), True),
            Conv(c512, c1024, 3, 2), C2f(c1024, c1024, n(3), True),
        ]
    return Classifier(layers, c1024, nc)


def saved_elements(model, batch, size):
    storages = {}

    def pack(t):
        s = t.storage()
        storages[s.data_ptr()] = s.size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(torch.randn(batch, 3, size, size, requires_grad=False))
    return sum(storages.values())


def main():
    req = json.load(sys.stdin)
    torch.manual_seed(0)
    v11, task = str(req.get("version", "8")) == "11", req.get("task", "detect")
    if task == "classify":
        model = classifier(v11, req["scale"], req["nc"]).train()
    else:
        model = (YOLO11 if v11 else YOLOv8)(req["scale"], req["nc"], task).train()
    params = sum(p.numel() for p in model.parameters())
    saved = {str(s): saved_elements(model, 2, s) - saved_elements(model, 1, s) for s in req["sizes"]}
    print(json.dumps({"torch": torch.__version__, "params": params, "saved": saved}))


if __name__ == "__main__":
    main()
