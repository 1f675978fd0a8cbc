"""AdEMAMix and MARS-AdamW references, written from the published update equations (AdEMAMix's algorithm box;
MARS's equations as its authors' README states them) with float32 torch ops, independently of the TypeScript
under src/profiler/optimizers (PyTorch 1.13 has neither optimizer).

AdEMAMix: Pagliardini, Ablin, Grangier, "The AdEMAMix Optimizer: Better, Faster, Older" (arXiv 2409.03137),
Algorithm 1 ("AdEMAMix optimizer"):
    t <- t + 1;  optional schedulers beta3(t) = f_beta3(t, beta3, beta_start, T), alpha(t) = f_alpha(t, alpha, T)
    m1 <- beta1 m1 + (1 - beta1) g;  m2 <- beta3(t) m2 + (1 - beta3(t)) g;  nu <- beta2 nu + (1 - beta2) g^2
    m1_hat = m1 / (1 - beta1^t);  nu_hat = nu / (1 - beta2^t)
    theta <- theta - eta ((m1_hat + alpha(t) m2) / (sqrt(nu_hat) + eps) + lambda theta)
with the box's schedulers f_alpha and f_beta3 in the closed form bitsandbytes writes them (AdEMAMix.update_step;
apple/ml-ademamix interpolates the same half-lives ln(0.5)/ln(beta), with 1e-8 added to beta):
    f_alpha(t, alpha, T) = min(t alpha / T, alpha)
    f_beta3(t, beta3, beta_start, T) = min(exp(ln(beta_start) ln(beta3) / ((1 - t/T) ln(beta3) + (t/T) ln(beta_start))), beta3)
beta_start = beta1 (the box: "beta_start is usually set to beta1"). Keyword names follow apple/ml-ademamix
(alpha_warmup and beta3_warmup are the T of each scheduler; None turns it off). With beta1 = 0 the fast EMA
is the gradient itself.

MARS-AdamW: Yuan, Liu, Wu, Zhou, Gu, "MARS: Unleashing the Power of Variance Reduction for Training Large
Models" (arXiv 2411.10438), the update as the authors' repository README (AGI-Arena/MARS, "About MARS" and
"MARS-AdamW") states it, approximate form (g_{t-1} is the previous step's gradient, zero before the first step):
    c_t = g_t + gamma beta1 / (1 - beta1) (g_t - g_{t-1});  if ||c_t||_2 > 1: c_t = c_t / ||c_t||_2
    m_t = beta1 m_{t-1} + (1 - beta1) c_t;  v_t = beta2 v_{t-1} + (1 - beta2) c_t^2
    x_{t+1} = x_t - eta (m_t/(1 - beta1^t) / (sqrt(v_t/(1 - beta2^t)) + eps) + lambda x_t)
i.e. the README's argmin step with H_t = sqrt(diag(v_t)) (1 - beta1^t)/sqrt(1 - beta2^t), plus eps and decoupled
weight decay lambda. v_t accumulates the clipped c_t^2 as the repository's mars.py does (the README writes the raw
gradient there).
Tensors that are not 2-D take AdamW on g_t with betas_1d, weight_decay_1d and learning rate lr_1d, as the
official repository's README states ("If False, AdamW will be used for optimizing 1D parameters";
optimize_1d=True gives every tensor the MARS update). amsgrad=True (an option of the repository's MARS class,
not of the README's equations) uses the running maximum of v_t in the denominator, as AMSGrad does.
"""
import math

import torch


class AdEMAMix:
    def __init__(self, lr=1e-3, betas=(0.9, 0.999, 0.9999), alpha=2.0, beta3_warmup=None, alpha_warmup=None,
                 eps=1e-8, weight_decay=0.0):
        self.lr, self.betas, self.alpha, self.eps, self.wd = lr, betas, alpha, eps, weight_decay
        self.t_beta3, self.t_alpha = beta3_warmup, alpha_warmup
        self.t = 0
        self.state = {}

    def f_alpha(self, t):
        if self.t_alpha is None:
            return self.alpha
        return min(t * self.alpha / self.t_alpha, self.alpha)

    def f_beta3(self, t):
        beta1, _, beta3 = self.betas
        if self.t_beta3 is None:
            return beta3
        s = t / self.t_beta3
        ln_start, ln_end = math.log(beta1), math.log(beta3)
        return min(math.exp(ln_start * ln_end / ((1 - s) * ln_end + s * ln_start)), beta3)

    def step(self, params, grads):
        self.t += 1
        t = self.t
        beta1, beta2, _ = self.betas
        beta3, alpha = self.f_beta3(t), self.f_alpha(t)
        for i, (theta, g) in enumerate(zip(params, grads)):
            m1, m2, nu = self.state.setdefault(i, (torch.zeros_like(theta), torch.zeros_like(theta), torch.zeros_like(theta)))
            if beta1 != 0:
                m1.copy_(beta1 * m1 + (1 - beta1) * g)
                fast = m1
            else:
                fast = g
            m2.copy_(beta3 * m2 + (1 - beta3) * g)
            nu.copy_(beta2 * nu + (1 - beta2) * g * g)
            m1_hat = fast / (1 - beta1 ** t)
            nu_hat = nu / (1 - beta2 ** t)
            theta.sub_(self.lr * ((m1_hat + alpha * m2) / (torch.sqrt(nu_hat) + self.eps) + self.wd * theta))


class MarsAdamW:
    def __init__(self, lr=3e-3, betas=(0.95, 0.99), eps=1e-8, weight_decay=0.0, gamma=0.025, optimize_1d=False,
                 lr_1d=3e-3, betas_1d=(0.9, 0.95), weight_decay_1d=0.1, amsgrad=False):
        self.lr, self.betas, self.eps, self.wd, self.gamma, self.amsgrad = lr, betas, eps, weight_decay, gamma, amsgrad
        self.optimize_1d, self.lr_1d, self.betas_1d, self.wd_1d = optimize_1d, lr_1d, betas_1d, weight_decay_1d
        self.t = 0
        self.state = {}

    def step(self, params, grads):
        self.t += 1
        t = self.t
        for i, (x, g) in enumerate(zip(params, grads)):
            m, v, g_prev, v_max = self.state.setdefault(i, tuple(torch.zeros_like(x) for _ in range(4)))
            if self.optimize_1d or x.dim() == 2:
                beta1, beta2 = self.betas
                lr, wd = self.lr, self.wd
                c = g + self.gamma * beta1 / (1 - beta1) * (g - g_prev)
                norm = torch.linalg.vector_norm(c)
                if norm > 1:
                    c = c / norm
            else:
                beta1, beta2 = self.betas_1d
                lr, wd = self.lr_1d, self.wd_1d
                c = g
            m.copy_(beta1 * m + (1 - beta1) * c)
            v.copy_(beta2 * v + (1 - beta2) * c * c)
            m_hat = m / (1 - beta1 ** t)
            if self.amsgrad:
                v_max.copy_(torch.maximum(v_max, v))
            v_hat = (v_max if self.amsgrad else v) / (1 - beta2 ** t)
            x.sub_(lr * (m_hat / (torch.sqrt(v_hat) + self.eps) + wd * x))
            g_prev.copy_(g)
