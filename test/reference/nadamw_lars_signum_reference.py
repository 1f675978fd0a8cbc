"""Independent references for NAdamW, LARS and Signum/signSGD, written from the papers' algorithm boxes
(PyTorch 1.13 has none of them in the forms the profiler implements). Each class takes the profiler's
hyperparameter names and steps a list of tensors given their gradients, in float32, one tensor at a time.

- NAdamW: Dozat (2016), "Incorporating Nesterov Momentum into Adam", Algorithm 2, with a constant
  momentum (no mu_t schedule) and Adam's bias corrections as in Table 1 of Choi et al. (2019), arXiv
  1910.05446 -- the AlgoPerf NAdamW baseline (mlcommons/algorithmic-efficiency) -- plus decoupled weight
  decay (Loshchilov & Hutter, AdamW, Algorithm 2, line 12): p <- p - lr*wd*p before the update.
    m_t = b1 m + (1-b1) g;  v_t = b2 v + (1-b2) g^2
    m_hat = (b1 m_t + (1-b1) g) / (1 - b1^t);  v_hat = v_t / (1 - b2^t)
    p <- p - lr * m_hat / (sqrt(v_hat) + eps)
  With momentum_decay psi set: Dozat's schedule as the box of the torch.optim.NAdam docs writes it,
  mu_t = b1 (1 - 0.5 * 0.96^(t psi)), m_hat = mu_{t+1} m_t / (1 - prod_{i<=t+1} mu_i) + (1 - mu_t) g / (1 - prod_{i<=t} mu_i),
  v_hat = v_t / (1 - b2^t), and the decay L2 in the gradient unless decoupled_weight_decay. (PyTorch 1.13's
  _single_tensor_nadam multiplies mu_t into the t+1 product twice -- mu_product_next = mu_product * mu * mu_next
  after mu_product *= mu -- which later releases correct, so torch 1.13 is not used as the reference here.)
- LARS: You, Gitman, Ginsburg (2017), arXiv 1708.03888, Algorithm 1: local lr
  lambda = eta * ||w|| / (||g|| + beta ||w||) (here plus eps in the denominator, 1 when a norm is 0),
  v <- m v + lambda (g + beta w), w <- w - gamma v; the momentum buffer is initialised to the first
  update (SGD's convention), dampening applied after; tensors with ndim <= 1 get beta = 0 and no
  adaptation when filter_bias_and_bn (the SimCLR / MoCo v3 exclusion).
- Signum / signSGD: Bernstein et al. (2018), arXiv 1802.04434, Algorithm 2 (m <- (1-beta) g + beta m;
  x <- x - delta sign(m)) and Algorithm 1 (beta = 0: x <- x - delta sign(g)), with L2 `l2` added to the
  gradient and decoupled decay x <- (1 - delta*weight_decay) x as in MXNet's Signum (wd, wd_lh).
"""
import torch


class NAdamW:
    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, maximize=False, momentum_decay=None,
                 decoupled_weight_decay=True):
        self.lr, self.betas, self.eps, self.wd, self.maximize = lr, betas, eps, weight_decay, maximize
        self.psi, self.decoupled = momentum_decay, decoupled_weight_decay
        self.state = {}

    def step(self, params, grads):
        b1, b2 = self.betas
        for i, (p, g) in enumerate(zip(params, grads)):
            if self.maximize:
                g = -g
            st = self.state.setdefault(i, {"m": torch.zeros_like(p), "v": torch.zeros_like(p), "t": 0})
            st["t"] += 1
            t = st["t"]
            if self.wd != 0:
                if self.decoupled:
                    p.mul_(1 - self.lr * self.wd)
                else:
                    g = g + self.wd * p
            st["m"] = b1 * st["m"] + (1 - b1) * g
            st["v"] = b2 * st["v"] + (1 - b2) * g * g
            if self.psi is not None:
                mu = [b1 * (1 - 0.5 * 0.96 ** (i * self.psi)) for i in range(1, t + 2)]
                prod_t = 1.0
                for x in mu[:t]:
                    prod_t *= x
                m_hat = mu[t] * st["m"] / (1 - prod_t * mu[t]) + (1 - mu[t - 1]) * g / (1 - prod_t)
                v_hat = st["v"] / (1 - b2 ** t)
                p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))
                continue
            m_hat = (b1 * st["m"] + (1 - b1) * g) / (1 - b1 ** t)
            v_hat = st["v"] / (1 - b2 ** t)
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


class Lars:
    def __init__(self, lr=1.0, momentum=0.9, dampening=0, weight_decay=0, nesterov=False, trust_coeff=0.001,
                 eps=1e-8, trust_clip=False, always_adapt=False, filter_bias_and_bn=True):
        self.h = dict(lr=lr, momentum=momentum, dampening=dampening, wd=weight_decay, nesterov=nesterov,
                      eta=trust_coeff, eps=eps, clip=trust_clip, always=always_adapt, filt=filter_bias_and_bn)
        self.state = {}

    def step(self, params, grads):
        h = self.h
        for i, (p, g) in enumerate(zip(params, grads)):
            beta = 0 if h["filt"] and p.dim() <= 1 else h["wd"]
            d = g
            if beta != 0 or h["always"]:
                w_norm = float(torch.linalg.vector_norm(p.double()))
                g_norm = float(torch.linalg.vector_norm(g.double()))
                local = h["eta"] * w_norm / (g_norm + beta * w_norm + h["eps"]) if w_norm > 0 and g_norm > 0 else 1.0
                if h["clip"]:
                    local = min(local / h["lr"], 1.0)
                d = (g + beta * p) * local
            if h["momentum"] != 0:
                if i not in self.state:
                    self.state[i] = d.clone()
                else:
                    self.state[i] = h["momentum"] * self.state[i] + (1 - h["dampening"]) * d
                buf = self.state[i]
                d = d + h["momentum"] * buf if h["nesterov"] else buf
            p.sub_(h["lr"] * d)


class Signum:
    def __init__(self, lr=0.01, momentum=0.9, weight_decay=0, l2=0):
        self.lr, self.momentum, self.wd, self.l2 = lr, momentum, weight_decay, l2
        self.state = {}

    def step(self, params, grads):
        for i, (p, g) in enumerate(zip(params, grads)):
            d = g + self.l2 * p
            if self.momentum != 0:
                m = self.state.setdefault(i, torch.zeros_like(p))
                m.copy_(self.momentum * m + (1 - self.momentum) * d)
                d = m
            p.copy_((1 - self.lr * self.wd) * p - self.lr * torch.sign(d))


