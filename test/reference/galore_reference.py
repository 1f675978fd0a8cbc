"""GaLore AdamW reference, transcribed from jiaweizzhao/GaLore galore_torch/adamw.py (AdamW.step) and
galore_torch/galore_projector.py (GaLoreProjector: project, project_back, get_orthogonal_matrix), float32
torch ops, written independently of the TypeScript under src/profiler/optimizers.

Usage as in the GaLore README: the 2-D parameters form the GaLore group (rank, update_proj_gap, scale,
proj_type), every other parameter the plain group of the same AdamW (no projection).

One addition, needed for reproducible trajectories: singular vectors are defined only up to sign, and
GaLore keeps its Adam moments across projector updates, so the sign LAPACK happens to return changes the
trajectory. Each singular vector the projector keeps (a row of Vh[:rank] or a column of U[:, :rank]) is
flipped so that its entry of largest magnitude (the first such) is positive; the TypeScript applies the
same convention. proj_quant (int4 projector) is not transcribed.
"""
import math

import torch


def _sign_fixed_rows(m):
    """Each row flipped so that its first largest-magnitude entry is positive."""
    idx = torch.argmax(m.abs(), dim=1)
    signs = torch.sign(m.gather(1, idx.unsqueeze(1)))
    signs[signs == 0] = 1
    return m * signs


class Projector:
    """GaLoreProjector with proj_quant=False."""

    def __init__(self, rank, update_proj_gap=200, scale=1.0, proj_type="std"):
        self.rank = rank
        self.update_proj_gap = update_proj_gap
        self.scale = scale
        self.proj_type = proj_type
        self.ortho_matrix = None

    def project(self, full_rank_grad, it):
        need = self.ortho_matrix is None or it % self.update_proj_gap == 0
        if self.proj_type == "std":
            if full_rank_grad.shape[0] >= full_rank_grad.shape[1]:
                if need:
                    self.ortho_matrix = self.get_orthogonal_matrix(full_rank_grad, self.rank, "right")
                return torch.matmul(full_rank_grad, self.ortho_matrix.t())
            if need:
                self.ortho_matrix = self.get_orthogonal_matrix(full_rank_grad, self.rank, "left")
            return torch.matmul(self.ortho_matrix.t(), full_rank_grad)
        if self.proj_type == "reverse_std":
            if full_rank_grad.shape[0] >= full_rank_grad.shape[1]:
                if need:
                    self.ortho_matrix = self.get_orthogonal_matrix(full_rank_grad, self.rank, "left")
                return torch.matmul(self.ortho_matrix.t(), full_rank_grad)
            if need:
                self.ortho_matrix = self.get_orthogonal_matrix(full_rank_grad, self.rank, "right")
            return torch.matmul(full_rank_grad, self.ortho_matrix.t())
        if self.proj_type == "right":
            if need:
                self.ortho_matrix = self.get_orthogonal_matrix(full_rank_grad, self.rank, "right")
            return torch.matmul(full_rank_grad, self.ortho_matrix.t())
        if self.proj_type == "left":
            if need:
                self.ortho_matrix = self.get_orthogonal_matrix(full_rank_grad, self.rank, "left")
            return torch.matmul(self.ortho_matrix.t(), full_rank_grad)
        if self.proj_type == "full":
            if need:
                self.ortho_matrix = self.get_orthogonal_matrix(full_rank_grad, self.rank, "full")
            return torch.matmul(self.ortho_matrix[0].t(), full_rank_grad) @ self.ortho_matrix[1].t()
        raise ValueError(self.proj_type)

    def project_back(self, low_rank_grad):
        if self.proj_type == "std":
            if low_rank_grad.shape[0] >= low_rank_grad.shape[1]:
                full = torch.matmul(low_rank_grad, self.ortho_matrix)
            else:
                full = torch.matmul(self.ortho_matrix, low_rank_grad)
        elif self.proj_type == "reverse_std":
            if low_rank_grad.shape[0] <= low_rank_grad.shape[1]:
                full = torch.matmul(self.ortho_matrix, low_rank_grad)
            else:
                full = torch.matmul(low_rank_grad, self.ortho_matrix)
        elif self.proj_type == "right":
            full = torch.matmul(low_rank_grad, self.ortho_matrix)
        elif self.proj_type == "left":
            full = torch.matmul(self.ortho_matrix, low_rank_grad)
        elif self.proj_type == "full":
            full = torch.matmul(self.ortho_matrix[0], low_rank_grad) @ self.ortho_matrix[1]
        else:
            raise ValueError(self.proj_type)
        return full * self.scale

    @staticmethod
    def get_orthogonal_matrix(weights, rank, kind):
        matrix = weights.float()
        U, s, Vh = torch.linalg.svd(matrix, full_matrices=False)
        if kind == "right":
            return _sign_fixed_rows(Vh[:rank, :])
        if kind == "left":
            return _sign_fixed_rows(U[:, :rank].t()).t()
        if kind == "full":
            return [_sign_fixed_rows(U[:, :rank].t()).t(), _sign_fixed_rows(Vh[:rank, :])]
        raise ValueError(kind)


class GaLoreAdamW:
    """galore_torch.GaLoreAdamW (AdamW.step); 2-D parameters in the GaLore group."""

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.0, correct_bias=True, rank=128,
                 update_proj_gap=200, scale=0.25, proj_type="std", proj_quant=False):
        if proj_quant:
            raise ValueError("proj_quant is not transcribed")
        self.g = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, correct_bias=correct_bias, rank=rank,
                      update_proj_gap=update_proj_gap, scale=scale, proj_type=proj_type)
        self.state = {}

    def step(self, params, grads):
        g = self.g
        for i, (p, grad) in enumerate(zip(params, grads)):
            state = self.state.setdefault(i, {})
            if "step" not in state:
                state["step"] = 0
            galore = p.dim() == 2
            if galore:
                if "projector" not in state:
                    state["projector"] = Projector(g["rank"], update_proj_gap=g["update_proj_gap"], scale=g["scale"],
                                                   proj_type=g["proj_type"])
                grad = state["projector"].project(grad, state["step"])
            if "exp_avg" not in state:
                state["exp_avg"] = torch.zeros_like(grad)
                state["exp_avg_sq"] = torch.zeros_like(grad)
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            beta1, beta2 = g["betas"]
            state["step"] += 1
            exp_avg.mul_(beta1).add_(grad, alpha=(1.0 - beta1))
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1.0 - beta2)
            denom = exp_avg_sq.sqrt().add_(g["eps"])
            step_size = g["lr"]
            if g["correct_bias"]:
                bias_correction1 = 1.0 - beta1 ** state["step"]
                bias_correction2 = 1.0 - beta2 ** state["step"]
                step_size = step_size * math.sqrt(bias_correction2) / bias_correction1
            norm_grad = exp_avg / denom
            if galore:
                norm_grad = state["projector"].project_back(norm_grad)
            p.add_(norm_grad, alpha=-step_size)
            if g["weight_decay"] > 0.0:
                p.add_(p, alpha=(-g["lr"] * g["weight_decay"]))
