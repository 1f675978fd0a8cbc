"""Per-sample elements PyTorch's autograd saves for backward in a YOLOv8 detection network, measured with
torch.autograd.graph.saved_tensors_hooks: each saved tensor's storage is counted once (a view keeps its whole storage),
at batch 2 minus batch 1, so per-batch tensors (weights, BatchNorm's running and per-channel statistics) cancel.

The network is written here from the layer shapes of Ultralytics' yolov8.yaml and its modules' descriptions (Conv =
Conv2d(bias=False) + BatchNorm2d + SiLU; C2f; SPPF; the v8 Detect head's cv2/cv3 branches); it is not Ultralytics'
code, which is not installed. Reads {"scale": "n", "nc": 80, "sizes": [64, 128]} on stdin, prints
{"torch": version, "params": n, "saved": {size: elements}}.
"""
import json
import math
import sys

import torch
from torch import nn

SCALES = {"n": (0.33, 0.25, 1024), "s": (0.33, 0.5, 1024), "m": (0.67, 0.75, 768), "l": (1.0, 1.0, 512), "x": (1.0, 1.25, 512)}


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c2)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut):
        super().__init__()
        self.cv1, self.cv2, self.add = Conv(c, c, 3), Conv(c, c, 3), shortcut

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


class YOLOv8(nn.Module):
    def __init__(self, scale, nc):
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
        self.detect = Detect(nc, (c256, c512, c1024))

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
    model = YOLOv8(req["scale"], req["nc"]).train()
    params = sum(p.numel() for p in model.parameters())
    saved = {str(s): saved_elements(model, 2, s) - saved_elements(model, 1, s) for s in req["sizes"]}
    print(json.dumps({"torch": torch.__version__, "params": params, "saved": saved}))


if __name__ == "__main__":
    main()
