"""Reference update rules for the optimizers that torch.optim does not have.

Each class is transcribed from the official implementation named in its docstring (papers and their
released code), in float32 torch ops, and is written independently of the TypeScript under
src/profiler/optimizers. torch-native optimizers (SGD, Adam, AdamW, Adagrad, RMSprop) are not here:
the runner uses torch.optim itself for them.

Every class has `step(params, grads)` taking lists of tensors (modified in place), except the
curvature-based ones whose `step` also takes a loss closure and the probe vectors.
"""
import math

import torch


class Adafactor:
    """huggingface/transformers src/transformers/optimization.py, class Adafactor."""

    def __init__(self, lr=None, eps=(1e-30, 1e-3), clip_threshold=1.0, decay_rate=-0.8, beta1=None,
                 weight_decay=0.0, scale_parameter=True, relative_step=True, warmup_init=False):
        self.g = dict(lr=lr, eps=eps, clip_threshold=clip_threshold, decay_rate=decay_rate, beta1=beta1,
                      weight_decay=weight_decay, scale_parameter=scale_parameter, relative_step=relative_step,
                      warmup_init=warmup_init)
        self.state = {}

    def _lr(self, st):
        g = self.g
        rel = g["lr"]
        if g["relative_step"]:
            min_step = 1e-6 * st["step"] if g["warmup_init"] else 1e-2
            rel = min(min_step, 1.0 / math.sqrt(st["step"]))
        scale = 1.0
        if g["scale_parameter"]:
            scale = max(g["eps"][1], st["RMS"])
        return scale * rel

    @staticmethod
    def _rms(t):
        return t.norm(2) / (t.numel() ** 0.5)

    def step(self, params, grads):
        g = self.g
        for i, (p, grad) in enumerate(zip(params, grads)):
            st = self.state.setdefault(i, {})
            factored = grad.dim() >= 2
            if not st:
                st["step"] = 0
                if g["beta1"] is not None:
                    st["exp_avg"] = torch.zeros_like(grad)
                if factored:
                    st["row"] = torch.zeros(grad.shape[:-1])
                    st["col"] = torch.zeros(grad.shape[:-2] + grad.shape[-1:])
                else:
                    st["sq"] = torch.zeros_like(grad)
            st["step"] += 1
            st["RMS"] = self._rms(p)
            lr = self._lr(st)
            beta2t = 1.0 - math.pow(st["step"], g["decay_rate"])
            update = grad ** 2 + g["eps"][0]
            if factored:
                st["row"].mul_(beta2t).add_(update.mean(dim=-1), alpha=1.0 - beta2t)
                st["col"].mul_(beta2t).add_(update.mean(dim=-2), alpha=1.0 - beta2t)
                r = (st["row"] / st["row"].mean(dim=-1, keepdim=True)).rsqrt_().unsqueeze(-1)
                c = st["col"].unsqueeze(-2).rsqrt()
                update = torch.mul(r, c).mul_(grad)
            else:
                st["sq"].mul_(beta2t).add_(update, alpha=1.0 - beta2t)
                update = st["sq"].rsqrt().mul_(grad)
            update.div_((self._rms(update) / g["clip_threshold"]).clamp_(min=1.0))
            update.mul_(lr)
            if g["beta1"] is not None:
                st["exp_avg"].mul_(g["beta1"]).add_(update, alpha=1 - g["beta1"])
                update = st["exp_avg"]
            if g["weight_decay"] != 0:
                p.add_(p, alpha=-g["weight_decay"] * lr)
            p.add_(-update)


class Came:
    """yangluo7/CAME came_pytorch/CAME.py (CAME.step)."""

    def __init__(self, lr=None, eps=(1e-30, 1e-16), clip_threshold=1.0, betas=(0.9, 0.999, 0.9999), weight_decay=0.0):
        assert lr > 0.0
        self.h = dict(lr=lr, eps=eps, clip=clip_threshold, betas=betas, wd=weight_decay)
        self.state = {}

    @staticmethod
    def _rms(t):
        return t.norm(2) / (t.numel() ** 0.5)

    @staticmethod
    def _approx(row, col):
        r = (row / row.mean(dim=-1, keepdim=True)).rsqrt_().unsqueeze(-1)
        c = col.unsqueeze(-2).rsqrt()
        return torch.mul(r, c)

    def step(self, params, grads):
        h = self.h
        b1, b2, b3 = h["betas"]
        for i, (p, grad) in enumerate(zip(params, grads)):
            factored = grad.dim() >= 2
            st = self.state.get(i)
            if st is None:
                st = {"m": torch.zeros_like(grad)}
                if factored:
                    for k in ("row", "res_row"):
                        st[k] = torch.zeros(grad.shape[:-1])
                    for k in ("col", "res_col"):
                        st[k] = torch.zeros(grad.shape[:-2] + grad.shape[-1:])
                else:
                    st["sq"] = torch.zeros_like(grad)
                self.state[i] = st
            update = grad ** 2 + h["eps"][0]
            if factored:
                st["row"].mul_(b2).add_(update.mean(dim=-1), alpha=1.0 - b2)
                st["col"].mul_(b2).add_(update.mean(dim=-2), alpha=1.0 - b2)
                update = self._approx(st["row"], st["col"]).mul_(grad)
            else:
                st["sq"].mul_(b2).add_(update, alpha=1.0 - b2)
                update = st["sq"].rsqrt().mul_(grad)
            update.div_((self._rms(update) / h["clip"]).clamp_(min=1.0))
            st["m"].mul_(b1).add_(update, alpha=1 - b1)
            res = (update - st["m"]) ** 2 + h["eps"][1]
            if factored:
                st["res_row"].mul_(b3).add_(res.mean(dim=-1), alpha=1.0 - b3)
                st["res_col"].mul_(b3).add_(res.mean(dim=-2), alpha=1.0 - b3)
                update = self._approx(st["res_row"], st["res_col"]).mul_(st["m"])
            else:
                update = st["m"].clone()
            if h["wd"] != 0:
                p.add_(p, alpha=-h["wd"] * h["lr"])
            update.mul_(h["lr"])
            p.add_(-update)


class AdamMini:
    """zyushun/Adam-mini adam_mini/adam_mini.py (Adam_mini): partition by parameter name."""

    EMBD = {"embed", "embd", "wte", "lm_head.weight", "output.weight"}
    WQK = {"k_proj.weight", "q_proj.weight", "wq.weight", "wk.weight"}

    def __init__(self, names, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, model_sharding=False, dim=2048,
                 n_heads=32, n_kv_heads=None):
        self.names = names
        self.lr, self.b1, self.b2, self.eps = lr, betas[0], betas[1], eps
        self.wd = [0.0 if ("norm" in n or "ln_f" in n) else weight_decay for n in names]
        self.head_numel = dim * dim // n_heads
        self.state = {}

    def step(self, params, grads):
        lr, b1, b2, eps = self.lr, self.b1, self.b2, self.eps
        for i, (p, grad) in enumerate(zip(params, grads)):
            name = self.names[i]
            st = self.state.setdefault(i, {"step": 0})
            wd = self.wd[i]
            if any(n in name for n in self.EMBD):
                if "m" not in st:
                    st["m"], st["v"] = torch.zeros_like(p), torch.zeros_like(p)
                st["v"].mul_(b2).addcmul_(grad, grad.conj(), value=1 - b2)
                st["step"] += 1
                if wd > 0.0:
                    p.mul_(1 - lr * wd)
                st["m"].lerp_(grad, 1 - b1)
                bc1 = 1 - b1 ** st["step"]
                bc2 = 1 - b2 ** st["step"]
                h = (st["v"].sqrt() / math.sqrt(bc2)).add_(eps)
                p.addcdiv_(st["m"], h, value=-(lr / bc1))
            elif any(n in name for n in self.WQK):
                if "m" not in st:
                    st["m"] = torch.zeros_like(p).view(-1, self.head_numel)
                    st["head"] = st["m"].size(0)
                    st["vmean"] = torch.zeros_like(st["m"][0:st["head"], 0:1])
                head = st["head"]
                g = grad.view(head, self.head_numel)
                st["vmean"].mul_(b2).add_(torch.mean(g * g, dim=1, keepdim=True), alpha=1 - b2)
                st["step"] += 1
                if wd > 0.0:
                    p.mul_(1 - lr * wd)
                st["m"].lerp_(g, 1 - b1)
                bc1 = 1 - b1 ** st["step"]
                bc2 = 1 - b2 ** st["step"]
                h = (st["vmean"].sqrt() / math.sqrt(bc2)).add_(eps)
                stepsize = ((1 / bc1) / h).view(head, 1)
                update = (st["m"] * stepsize).view(p.size())
                update.mul_(lr)
                p.add_(-update)
            else:
                if "m" not in st:
                    st["m"] = torch.zeros_like(p)
                    st["vmean"] = torch.zeros_like(torch.sum(p * p))
                tmp = torch.sum(grad * grad) / float(p.numel())
                if wd > 0.0:
                    p.mul_(1 - lr * wd)
                st["step"] += 1
                st["m"].lerp_(grad, 1 - b1)
                bc1 = 1 - b1 ** st["step"]
                bc2 = 1 - b2 ** st["step"]
                st["vmean"].mul_(b2).add_(tmp, alpha=1 - b2)
                h = (st["vmean"].sqrt() / math.sqrt(bc2)).add_(eps)
                stepsize = (1 / bc1) / h
                update = st["m"] * stepsize
                update.mul_(lr)
                p.add_(-update)


class Lamb:
    """huggingface/pytorch-image-models timm/optim/lamb.py (_single_tensor_lamb), NVIDIA FusedLAMB behaviour."""

    def __init__(self, lr=1e-3, bias_correction=True, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01,
                 grad_averaging=True, max_grad_norm=1.0, trust_clip=False, always_adapt=False):
        self.h = dict(lr=lr, bias_correction=bias_correction, betas=betas, eps=eps, weight_decay=weight_decay,
                      grad_averaging=grad_averaging, max_grad_norm=max_grad_norm, trust_clip=trust_clip,
                      always_adapt=always_adapt)
        self.t = 0
        self.state = {}

    def step(self, params, grads):
        h = self.h
        clip = None
        if h["max_grad_norm"] is not None:
            norms = torch.stack([torch.linalg.vector_norm(g) for g in grads])
            clip = (torch.linalg.vector_norm(norms) / h["max_grad_norm"]).clamp_(min=1.0)
        self.t += 1
        b1, b2 = h["betas"]
        beta3 = 1 - b1 if h["grad_averaging"] else 1.0
        bc1 = 1 - b1 ** self.t if h["bias_correction"] else 1.0
        bc2 = 1 - b2 ** self.t if h["bias_correction"] else 1.0
        for i, (p, grad) in enumerate(zip(params, grads)):
            st = self.state.setdefault(i, {"m": torch.zeros_like(p), "v": torch.zeros_like(p)})
            g = grad / clip if clip is not None else grad
            if h["grad_averaging"]:
                st["m"].lerp_(g, beta3)
            else:
                st["m"].mul_(b1).add_(g, alpha=beta3)
            st["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
            denom = (st["v"].sqrt() / (bc2 ** 0.5)).add_(h["eps"])
            update = (st["m"] / bc1).div_(denom)
            if h["weight_decay"] != 0:
                update.add_(p, alpha=h["weight_decay"])
            if h["weight_decay"] != 0 or h["always_adapt"]:
                w_norm = p.norm(2.0)
                u_norm = update.norm(2.0)
                one = torch.ones_like(w_norm)
                trust = torch.where(w_norm > 0, torch.where(u_norm > 0, w_norm / u_norm, one), one)
                if h["trust_clip"]:
                    trust = torch.clamp(trust, max=1.0)
                update.mul_(trust)
            p.add_(update, alpha=-h["lr"])


class NovoGrad:
    """NVIDIA NovoGrad: timm/optim/nvnovograd.py, after DeepLearningExamples PyTorch/SpeechRecognition/Jasper."""

    def __init__(self, lr=1e-3, betas=(0.95, 0.98), eps=1e-8, weight_decay=0, grad_averaging=False, amsgrad=False):
        self.h = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, grad_averaging=grad_averaging, amsgrad=amsgrad)
        self.state = {}

    def step(self, params, grads):
        h = self.h
        b1, b2 = h["betas"]
        for i, (p, grad) in enumerate(zip(params, grads)):
            st = self.state.setdefault(i, {"m": torch.zeros_like(p), "v": torch.zeros([]), "vmax": torch.zeros([])})
            grad = grad.clone()
            norm = torch.sum(torch.pow(grad, 2))
            if st["v"] == 0:
                st["v"].copy_(norm)
            else:
                st["v"].mul_(b2).add_(norm, alpha=1 - b2)
            if h["amsgrad"]:
                torch.max(st["vmax"], st["v"], out=st["vmax"])
                denom = st["vmax"].sqrt().add_(h["eps"])
            else:
                denom = st["v"].sqrt().add_(h["eps"])
            grad.div_(denom)
            if h["weight_decay"] != 0:
                grad.add_(p, alpha=h["weight_decay"])
            if h["grad_averaging"]:
                grad.mul_(1 - b1)
            st["m"].mul_(b1).add_(grad)
            p.add_(st["m"], alpha=-h["lr"])


class Lion:
    """lucidrains/lion-pytorch lion_pytorch/lion_pytorch.py (update_fn); Chen et al. 2023, Algorithm 2."""

    def __init__(self, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        self.lr, self.betas, self.wd = lr, betas, weight_decay
        self.state = {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for i, (p, grad) in enumerate(zip(params, grads)):
            m = self.state.setdefault(i, torch.zeros_like(p))
            p.mul_(1.0 - self.lr * self.wd)
            update = m.clone().mul_(b1).add(grad, alpha=1.0 - b1).sign_()
            p.add_(update, alpha=-self.lr)
            m.mul_(b2).add_(grad, alpha=1.0 - b2)


def dynamic_map(signed):
    """bitsandbytes functional.create_dynamic_map(signed, max_exponent_bits=7, total_bits=8), built in float64."""
    data = []
    for i in range(7):
        items = 2 ** i + 1 if signed else 2 ** (i + 1) + 1
        bounds = [0.1 + 0.9 * k / (items - 1) for k in range(items)]
        means = [(bounds[k] + bounds[k + 1]) / 2.0 for k in range(items - 1)]
        scale = 10.0 ** (-6 + i)
        data += [scale * m for m in means]
        if signed:
            data += [-scale * m for m in means]
    data += [0.0, 1.0]
    assert len(data) == 256
    return torch.tensor(sorted(data), dtype=torch.float32)


BLOCK = 256


def quantize_blockwise(a, code):
    """bitsandbytes backends/triton/kernels_optim.py _quantize_blockwise_pytorch, with the quotient of
    csrc/kernels.cu kOptimizerStatic8bit2StateBlockwise (__fdividef(value, absmax), a fast approximate
    division): value times the block's float32 reciprocal of absmax."""
    flat = a.flatten()
    n = flat.numel()
    nb = math.ceil(n / BLOCK)
    pad = nb * BLOCK - n
    if pad:
        flat = torch.nn.functional.pad(flat, (0, pad))
    blocks = flat.reshape(nb, BLOCK)
    absmax = torch.max(torch.abs(blocks), dim=1, keepdim=True)[0]
    absmax[absmax == 0] = 1.0
    scaled = blocks * torch.reciprocal(absmax)
    idx = torch.argmin(torch.abs(scaled.unsqueeze(2) - code), dim=2).to(torch.uint8).flatten()
    if pad:
        idx = idx[:-pad]
    return idx.reshape(a.shape), absmax.flatten()


def dequantize_blockwise(codes, absmax, code):
    """bitsandbytes backends/triton/kernels_optim.py _dequantize_blockwise_pytorch."""
    flat = code[codes.flatten().long()]
    n = flat.numel()
    nb = math.ceil(n / BLOCK)
    pad = nb * BLOCK - n
    if pad:
        flat = torch.nn.functional.pad(flat, (0, pad))
    out = (flat.reshape(nb, BLOCK) * absmax.unsqueeze(1)).flatten()
    if pad:
        out = out[:-pad]
    return out.reshape(codes.shape)


class AdamW8bit:
    """bitsandbytes AdamW8bit: optim/optimizer.py Optimizer2State (blocksize 256, min_8bit_size), the 8-bit
    update of backends/triton/kernels_optim.py optimizer_update_8bit_blockwise_pytorch ("adam") in the
    arithmetic of csrc/kernels.cu kOptimizerStatic8bit2StateBlockwise (bias correction folded into the
    step size and eps; requantisation by the block's reciprocal absmax, see quantize_blockwise), and the
    fp32 update of backends/default/ops.py _optimizer_update_32bit ("adam") for small tensors. Weight decay
    before the update, as both PyTorch references (the CUDA kernels apply it after)."""

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, min_8bit_size=4096, **_ignored):
        self.lr, self.betas, self.eps, self.wd, self.min_size = lr, betas, eps, weight_decay, min_8bit_size
        self.q1, self.q2 = dynamic_map(True), dynamic_map(False)
        self.state = {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for i, (p, g) in enumerate(zip(params, grads)):
            eight = p.numel() >= self.min_size
            st = self.state.get(i)
            if st is None:
                st = {"step": 0}
                if eight:
                    nb = math.ceil(p.numel() / BLOCK)
                    st.update(state1=torch.zeros(p.shape, dtype=torch.uint8), state2=torch.zeros(p.shape, dtype=torch.uint8),
                              absmax1=torch.zeros(nb), absmax2=torch.zeros(nb))
                else:
                    st.update(state1=torch.zeros_like(p), state2=torch.zeros_like(p))
                self.state[i] = st
            st["step"] += 1
            t = st["step"]
            if eight:
                s1 = dequantize_blockwise(st["state1"], st["absmax1"], self.q1)
                s2 = dequantize_blockwise(st["state2"], st["absmax2"], self.q2)
                s1.mul_(b1).add_(g, alpha=1.0 - b1)
                s2.mul_(b2).addcmul_(g, g, value=1.0 - b2)
                # kernels.cu kOptimizerStatic8bit2StateBlockwise: correction2 = sqrt(1 - b2^t),
                # step_size = -lr * correction2 / correction1, p += step_size * s1 / (sqrt(s2) + correction2 * eps)
                c1 = 1.0 - b1 ** t
                c2 = math.sqrt(1.0 - b2 ** t)
                step_size = -self.lr * c2 / c1
                if self.wd > 0.0:
                    p.mul_(1.0 - self.lr * self.wd)
                p.add_((s1 / (s2.sqrt() + self.eps * c2)) * step_size)
                st["state1"], st["absmax1"] = quantize_blockwise(s1, self.q1)
                st["state2"], st["absmax2"] = quantize_blockwise(s2, self.q2)
            else:
                s1, s2 = st["state1"], st["state2"]
                s1.copy_(s1 * b1 + (1.0 - b1) * g)
                s2.copy_(s2 * b2 + (1.0 - b2) * g * g)
                c1 = 1.0 - b1 ** t
                c2 = math.sqrt(1.0 - b2 ** t)
                step_size = -self.lr * c2 / c1
                if self.wd > 0.0:
                    p.mul_(1.0 - self.lr * self.wd)
                p.add_(step_size * (s1 / (torch.sqrt(s2) + self.eps * c2)))

    def codes(self, i):
        st = self.state[i]
        return st["state1"], st["state2"]


def newton_schulz5(G, steps):
    """KellerJordan/Muon muon.py zeropower_via_newtonschulz5 (in float32: tfjs has no bfloat16)."""
    a, b, c = (3.4445, -4.7750, 2.0315)
    X = G.float()
    if G.size(-2) > G.size(-1):
        X = X.mT
    X = X / (X.norm(dim=(-2, -1), keepdim=True) + 1e-7)
    for _ in range(steps):
        A = X @ X.mT
        B = b * A + c * A @ A
        X = a * X + B @ X
    if G.size(-2) > G.size(-1):
        X = X.mT
    return X


class Muon:
    """KellerJordan/Muon muon.py SingleDeviceMuonWithAuxAdam: Muon for >= 2-D tensors, adam_update otherwise."""

    def __init__(self, lr=0.02, momentum=0.95, weight_decay=0, nesterov=True, ns_steps=5, adjust_lr_fn="original",
                 adam_lr=3e-4, adam_betas=(0.9, 0.95), adam_eps=1e-10, adam_weight_decay=0):
        self.h = dict(lr=lr, momentum=momentum, wd=weight_decay, nesterov=nesterov, ns=ns_steps, alr=adam_lr,
                      abetas=adam_betas, aeps=adam_eps, awd=adam_weight_decay, adjust=adjust_lr_fn)
        self.state = {}

    def step(self, params, grads):
        h = self.h
        for i, (p, grad) in enumerate(zip(params, grads)):
            grad = grad.clone()
            if p.dim() >= 2:
                buf = self.state.setdefault(i, {"buf": torch.zeros_like(p)})["buf"]
                buf.lerp_(grad, 1 - h["momentum"])
                update = grad.lerp_(buf, h["momentum"]) if h["nesterov"] else buf
                if update.ndim == 4:
                    update = update.view(len(update), -1)
                update = newton_schulz5(update, h["ns"])
                if h["adjust"] == "match_rms_adamw":
                    # MoonshotAI/Moonlight examples/toy_train.py adjust_lr_for_muon: lr * 0.2 * sqrt(max(A, B)).
                    update *= 0.2 * max(grad.size(-2), grad.size(-1)) ** 0.5
                else:
                    update *= max(1, grad.size(-2) / grad.size(-1)) ** 0.5
                p.mul_(1 - h["lr"] * h["wd"])
                p.add_(update.reshape(p.shape), alpha=-h["lr"])
            else:
                st = self.state.setdefault(i, {"m": torch.zeros_like(p), "v": torch.zeros_like(p), "step": 0})
                st["step"] += 1
                b1, b2 = h["abetas"]
                st["m"].lerp_(grad, 1 - b1)
                st["v"].lerp_(grad.square(), 1 - b2)
                m_hat = st["m"] / (1 - b1 ** st["step"])
                v_hat = st["v"] / (1 - b2 ** st["step"])
                update = m_hat / (v_hat.sqrt() + h["aeps"])
                p.mul_(1 - h["alr"] * h["awd"])
                p.add_(update, alpha=-h["alr"])


class ScheduleFreeAdamW:
    """facebookresearch/schedule_free schedulefree/adamw_schedulefree.py (AdamWScheduleFree.step, non-foreach)."""

    def __init__(self, lr=0.0025, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, warmup_steps=0, r=0.0, weight_lr_power=2.0):
        self.h = dict(lr=lr, betas=betas, eps=eps, wd=weight_decay, warmup=warmup_steps, r=r, power=weight_lr_power)
        self.k, self.lr_max, self.weight_sum = 0, -1.0, 0.0
        self.state = {}

    def step(self, params, grads):
        h = self.h
        b1, b2 = h["betas"]
        k = self.k
        sched = (k + 1) / h["warmup"] if k < h["warmup"] else 1.0
        lr = h["lr"] * sched * math.sqrt(1 - b2 ** (k + 1))
        self.lr_max = max(lr, self.lr_max)
        weight = ((k + 1) ** h["r"]) * (self.lr_max ** h["power"])
        self.weight_sum += weight
        ckp1 = weight / self.weight_sum if self.weight_sum != 0 else 0
        for i, (y, grad) in enumerate(zip(params, grads)):
            st = self.state.setdefault(i, {"z": torch.clone(y), "v": torch.zeros_like(y)})
            z, v = st["z"], st["v"]
            grad = grad.clone()
            v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
            denom = v.sqrt().add_(h["eps"])
            gn = grad.div_(denom)
            if h["wd"] != 0:
                gn.add_(y, alpha=h["wd"])
            y.lerp_(end=z, weight=ckp1)
            y.add_(gn, alpha=lr * (b1 * (1 - ckp1) - 1))
            z.sub_(gn, alpha=lr)
        self.k = k + 1


def hvp(loss_fn, params, vectors):
    """Hessian-vector products by double backprop (torch.autograd.grad with create_graph)."""
    loss = loss_fn()
    grads = torch.autograd.grad(loss, params, create_graph=True)
    hvs = torch.autograd.grad(grads, params, grad_outputs=vectors)
    return loss.detach(), [g.detach() for g in grads], [h.detach() for h in hvs]


class AdaHessian:
    """amirgholami/adahessian image_classification/optim_adahessian.py (get_trace with the given Rademacher
    vectors; |Hv| for <= 2-D tensors)."""

    def __init__(self, lr=0.15, betas=(0.9, 0.999), eps=1e-4, weight_decay=0, hessian_power=1):
        self.h = dict(lr=lr, betas=betas, eps=eps, wd=weight_decay, k=hessian_power)
        self.state = {}

    def step(self, params, loss_fn, vectors):
        _, grads, hvs = hvp(loss_fn, params, vectors)
        traces = [hv.abs() for hv in hvs]
        b1, b2 = self.h["betas"]
        with torch.no_grad():
            for i, (p, grad, tr) in enumerate(zip(params, grads, traces)):
                st = self.state.setdefault(i, {"step": 0, "m": torch.zeros_like(p), "s": torch.zeros_like(p)})
                st["step"] += 1
                st["m"].mul_(b1).add_(grad, alpha=1 - b1)
                st["s"].mul_(b2).addcmul_(tr, tr, value=1 - b2)
                bc1 = 1 - b1 ** st["step"]
                bc2 = 1 - b2 ** st["step"]
                k = self.h["k"]
                denom = ((st["s"].sqrt() ** k) / math.sqrt(bc2) ** k).add_(self.h["eps"])
                p.data = p.data - self.h["lr"] * (st["m"] / bc1 / denom + self.h["wd"] * p.data)


class Sophia:
    """Liuhong99/Sophia sophia.py SophiaG update; curvature every hess_interval steps (train_sophiag.py).
    With a sampled-label loss: SophiaG's Gauss-Newton-Bartlett update_hessian (h <- b2 h + (1-b2) g*g) and
    ratio |m| / (rho*bs*h + 1e-15); otherwise the Hutchinson estimate u*(Hu) with the given Gaussian
    vectors and the paper's max(rho*h, eps) guard."""

    def __init__(self, lr=1e-4, betas=(0.965, 0.99), rho=0.04, weight_decay=1e-1, bs=5120, hess_interval=10, maximize=False):
        self.h = dict(lr=lr, betas=betas, rho=rho, wd=weight_decay, k=hess_interval, bs=bs)
        self.t = 0
        self.state = {}

    def step(self, params, loss_fn, vectors_for_step, sampled_loss_fn=None):
        loss = loss_fn()
        grads = torch.autograd.grad(loss, params)
        b1, b2 = self.h["betas"]
        lr = self.h["lr"]
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(params, grads)):
                st = self.state.setdefault(i, {"m": torch.zeros_like(p), "h": torch.zeros_like(p)})
                p.mul_(1 - lr * self.h["wd"])
                st["m"].mul_(b1).add_(g, alpha=1 - b1)
                if sampled_loss_fn is not None:
                    ratio = (st["m"].abs() / (self.h["rho"] * self.h["bs"] * st["h"] + 1e-15)).clamp(None, 1)
                else:
                    ratio = (st["m"].abs() / torch.clamp(self.h["rho"] * st["h"], min=1e-15)).clamp(None, 1)
                p.addcmul_(st["m"].sign(), ratio, value=-lr)
        self.t += 1
        if self.t % self.h["k"] == 0 and sampled_loss_fn is not None:
            sampled_grads = torch.autograd.grad(sampled_loss_fn(), params)
            with torch.no_grad():
                for i, g in enumerate(sampled_grads):
                    self.state[i]["h"].mul_(b2).addcmul_(g, g, value=1 - b2)
        elif self.t % self.h["k"] == 0:
            u = vectors_for_step(self.t)
            _, _, hvs = hvp(loss_fn, params, u)
            with torch.no_grad():
                for i, (ui, hv) in enumerate(zip(u, hvs)):
                    self.state[i]["h"].mul_(b2).add_(ui * hv, alpha=1 - b2)


def merge_small_dims(shape, threshold):
    """facebookresearch/optimizers distributed_shampoo shampoo_utils.merge_small_dims."""
    squeezed = [d for d in shape if d != 1] or [1]
    out = [squeezed[0]]
    for d in squeezed[1:]:
        if out[-1] * d <= threshold:
            out[-1] *= d
        else:
            out.append(d)
    return out


def inverse_root_eigh(a, root, epsilon, relative_epsilon):
    """(A + r I)^(-1/root) by eigendecomposition in float64, r = max(epsilon, relative_epsilon * lambda_max)."""
    a64 = a.double()
    lam, q = torch.linalg.eigh(a64)
    ridge = max(epsilon, relative_epsilon * float(lam.max()))
    return (q @ torch.diag((lam + ridge) ** (-1.0 / root)) @ q.T).float()


class Shampoo:
    """Blocked Shampoo with the defaults of facebookresearch/optimizers DistributedShampoo (no grafting);
    inverse roots by float64 eigendecomposition (the exact maths the TypeScript's coupled Newton iteration
    approximates)."""

    def __init__(self, lr=1e-2, betas=(0.9, 1.0), epsilon=1e-12, momentum=0, weight_decay=0, max_preconditioner_dim=1024,
                 precondition_frequency=1, start_preconditioning_step=-1, use_nesterov=False, use_bias_correction=True,
                 use_decoupled_weight_decay=True, relative_epsilon=1e-6, **_ignored):
        self.h = dict(lr=lr, betas=betas, eps=epsilon, wd=weight_decay, maxdim=max_preconditioner_dim,
                      freq=precondition_frequency, bias=use_bias_correction, rel=relative_epsilon)
        self.start = precondition_frequency if start_preconditioning_step == -1 else start_preconditioning_step
        assert momentum == 0 and use_decoupled_weight_decay
        self.state = {}

    def step(self, params, grads):
        h = self.h
        b1, b2 = h["betas"]
        for i, (p, g) in enumerate(zip(params, grads)):
            merged = merge_small_dims(list(p.shape), h["maxdim"])
            gm = g.reshape(merged)
            st = self.state.setdefault(i, {"step": 0, "m": torch.zeros(merged), "L": {}, "Q": {}})
            st["step"] += 1
            t = st["step"]
            filtered = gm
            if b1 != 0:
                st["m"].mul_(b1).add_(gm, alpha=1 - b1)
                filtered = st["m"] / (1 - b1 ** t) if h["bias"] else st["m"]
            ranges = [[(s, min(h["maxdim"], d - s)) for s in range(0, d, h["maxdim"])] for d in merged]
            out = torch.empty(merged)
            blocks = [[]]
            for r in ranges:
                blocks = [b + [x] for b in blocks for x in r]
            bc2 = 1 - b2 ** t if (h["bias"] and b2 < 1) else 1.0
            for bi, blk in enumerate(blocks):
                idx = tuple(slice(s, s + n) for s, n in blk)
                gb = gm[idx]
                mb = filtered[idx]
                order = len(blk)
                for di, (_, n) in enumerate(blk):
                    key = (bi, di)
                    other = [j for j in range(order) if j != di]
                    outer = torch.tensordot(gb, gb, dims=(other, other))
                    L = st["L"].setdefault(key, torch.zeros(n, n))
                    if b2 < 1:
                        L.mul_(b2).add_(outer, alpha=1 - b2)
                    else:
                        L.add_(outer)
                    if t % h["freq"] == 0:
                        st["Q"][key] = inverse_root_eigh(L / bc2, 2 * order, h["eps"], h["rel"])
                pre = mb
                if t >= self.start:
                    for di in range(order):
                        pre = torch.tensordot(pre, st["Q"][(bi, di)], dims=([0], [0]))
                out[idx] = pre
            if h["wd"] != 0:
                p.mul_(1 - h["lr"] * h["wd"])
            p.add_(out.reshape(p.shape), alpha=-h["lr"])
