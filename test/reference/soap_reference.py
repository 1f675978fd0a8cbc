"""SOAP reference, transcribed from nikhilvyas/SOAP soap.py at commit f42d296 (SOAP.step,
init_preconditioner, update_preconditioner, project, project_back, get_orthogonal_matrix with
torch.linalg.eigh, get_orthogonal_matrix_QR with one power iteration and torch.linalg.qr, merge_dims),
float32 torch ops, written independently of the TypeScript under src/profiler/optimizers.

No sign convention is added: SOAP's update does not depend on the signs of the eigenvectors (exp_avg_sq
accumulates squares, exp_avg and the Adam direction go through project / project_back with the same Q).
"""
from itertools import chain

import torch


class SOAP:
    def __init__(self, lr=3e-3, betas=(0.95, 0.95), shampoo_beta=-1, eps=1e-8, weight_decay=0.01,
                 precondition_frequency=10, max_precond_dim=10000, merge_dims=False, precondition_1d=False,
                 normalize_grads=False, data_format="channels_first", correct_bias=True):
        self.group = dict(lr=lr, betas=betas, shampoo_beta=shampoo_beta, eps=eps, weight_decay=weight_decay,
                          precondition_frequency=precondition_frequency, max_precond_dim=max_precond_dim,
                          merge_dims=merge_dims, precondition_1d=precondition_1d, normalize_grads=normalize_grads,
                          correct_bias=correct_bias)
        self._data_format = data_format
        self.state = {}

    def merge_dims(self, grad, max_precond_dim):
        if self._data_format == "channels_last" and grad.dim() == 4:
            grad = grad.permute(0, 3, 1, 2)
        shape = grad.shape
        new_shape = []
        curr_shape = 1
        for sh in shape:
            temp_shape = curr_shape * sh
            if temp_shape > max_precond_dim:
                if curr_shape > 1:
                    new_shape.append(curr_shape)
                    curr_shape = sh
                else:
                    new_shape.append(sh)
                    curr_shape = 1
            else:
                curr_shape = temp_shape
        if curr_shape > 1 or len(new_shape) == 0:
            new_shape.append(curr_shape)
        return grad.reshape(new_shape)

    def step(self, params, grads):
        group = self.group
        for i, (p, grad) in enumerate(zip(params, grads)):
            state = self.state.setdefault(i, {})
            if "step" not in state:
                state["step"] = 0
            if "exp_avg" not in state:
                state["exp_avg"] = torch.zeros_like(grad)
                state["exp_avg_sq"] = torch.zeros_like(grad)
            if "Q" not in state:
                self.init_preconditioner(grad, state, precondition_frequency=group["precondition_frequency"],
                                         precondition_1d=group["precondition_1d"],
                                         shampoo_beta=(group["shampoo_beta"] if group["shampoo_beta"] >= 0 else group["betas"][1]),
                                         max_precond_dim=group["max_precond_dim"], merge_dims=group["merge_dims"])
                self.update_preconditioner(grad, state, max_precond_dim=group["max_precond_dim"],
                                           merge_dims=group["merge_dims"], precondition_1d=group["precondition_1d"])
                continue

            grad_projected = self.project(grad, state, merge_dims=group["merge_dims"], max_precond_dim=group["max_precond_dim"])
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            beta1, beta2 = group["betas"]
            state["step"] += 1
            exp_avg.mul_(beta1).add_(grad_projected, alpha=(1.0 - beta1))
            exp_avg_sq.mul_(beta2).add_(grad_projected.square(), alpha=(1.0 - beta2))
            denom = exp_avg_sq.sqrt().add_(group["eps"])
            exp_avg_projected = exp_avg
            step_size = group["lr"]
            if group["correct_bias"]:
                bias_correction1 = 1.0 - beta1 ** (state["step"])
                bias_correction2 = 1.0 - beta2 ** (state["step"])
                step_size = step_size * (bias_correction2 ** .5) / bias_correction1
            norm_grad = self.project_back(exp_avg_projected / denom, state, merge_dims=group["merge_dims"],
                                          max_precond_dim=group["max_precond_dim"])
            if group["normalize_grads"]:
                norm_grad = norm_grad / (1e-30 + torch.mean(norm_grad ** 2) ** 0.5)
            p.add_(norm_grad, alpha=-step_size)
            if group["weight_decay"] > 0.0:
                p.add_(p, alpha=(-group["lr"] * group["weight_decay"]))
            self.update_preconditioner(grad, state, max_precond_dim=group["max_precond_dim"],
                                       merge_dims=group["merge_dims"], precondition_1d=group["precondition_1d"])

    def init_preconditioner(self, grad, state, precondition_frequency=10, shampoo_beta=0.95, max_precond_dim=10000,
                            precondition_1d=False, merge_dims=False):
        state["GG"] = []
        if grad.dim() == 1:
            if not precondition_1d or grad.shape[0] > max_precond_dim:
                state["GG"].append([])
            else:
                state["GG"].append(torch.zeros(grad.shape[0], grad.shape[0]))
        else:
            if merge_dims:
                grad = self.merge_dims(grad, max_precond_dim)
            for sh in grad.shape:
                if sh > max_precond_dim:
                    state["GG"].append([])
                else:
                    state["GG"].append(torch.zeros(sh, sh))
        state["Q"] = None
        state["precondition_frequency"] = precondition_frequency
        state["shampoo_beta"] = shampoo_beta

    def project(self, grad, state, merge_dims=False, max_precond_dim=10000):
        original_shape = grad.shape
        if merge_dims:
            if grad.dim() == 4 and self._data_format == "channels_last":
                permuted_shape = grad.permute(0, 3, 1, 2).shape
            grad = self.merge_dims(grad, max_precond_dim)
        for mat in state["Q"]:
            if len(mat) > 0:
                grad = torch.tensordot(grad, mat, dims=[[0], [0]])
            else:
                permute_order = list(range(1, len(grad.shape))) + [0]
                grad = grad.permute(permute_order)
        if merge_dims:
            if self._data_format == "channels_last" and len(original_shape) == 4:
                grad = grad.reshape(permuted_shape).permute(0, 2, 3, 1)
            else:
                grad = grad.reshape(original_shape)
        return grad

    def update_preconditioner(self, grad, state, max_precond_dim=10000, merge_dims=False, precondition_1d=False):
        if state["Q"] is not None:
            state["exp_avg"] = self.project_back(state["exp_avg"], state, merge_dims=merge_dims, max_precond_dim=max_precond_dim)
        if grad.dim() == 1:
            if precondition_1d and grad.shape[0] <= max_precond_dim:
                state["GG"][0].lerp_(grad.unsqueeze(1) @ grad.unsqueeze(0), 1 - state["shampoo_beta"])
        else:
            if merge_dims:
                new_grad = self.merge_dims(grad, max_precond_dim)
                for idx, sh in enumerate(new_grad.shape):
                    if sh <= max_precond_dim:
                        outer_product = torch.tensordot(new_grad, new_grad,
                                                        dims=[[*chain(range(idx), range(idx + 1, len(new_grad.shape)))]] * 2)
                        state["GG"][idx].lerp_(outer_product, 1 - state["shampoo_beta"])
            else:
                for idx, sh in enumerate(grad.shape):
                    if sh <= max_precond_dim:
                        outer_product = torch.tensordot(grad, grad,
                                                        dims=[[*chain(range(idx), range(idx + 1, len(grad.shape)))]] * 2)
                        state["GG"][idx].lerp_(outer_product, 1 - state["shampoo_beta"])
        if state["Q"] is None:
            state["Q"] = self.get_orthogonal_matrix(state["GG"])
        if state["step"] > 0 and state["step"] % state["precondition_frequency"] == 0:
            state["Q"] = self.get_orthogonal_matrix_QR(state, max_precond_dim, merge_dims)
        if state["step"] > 0:
            state["exp_avg"] = self.project(state["exp_avg"], state, merge_dims=merge_dims, max_precond_dim=max_precond_dim)

    def project_back(self, grad, state, merge_dims=False, max_precond_dim=10000):
        original_shape = grad.shape
        if merge_dims:
            if self._data_format == "channels_last" and grad.dim() == 4:
                permuted_shape = grad.permute(0, 3, 1, 2).shape
            grad = self.merge_dims(grad, max_precond_dim)
        for mat in state["Q"]:
            if len(mat) > 0:
                grad = torch.tensordot(grad, mat, dims=[[0], [1]])
            else:
                permute_order = list(range(1, len(grad.shape))) + [0]
                grad = grad.permute(permute_order)
        if merge_dims:
            if self._data_format == "channels_last" and len(original_shape) == 4:
                grad = grad.reshape(permuted_shape).permute(0, 2, 3, 1)
            else:
                grad = grad.reshape(original_shape)
        return grad

    @staticmethod
    def get_orthogonal_matrix(mat):
        final = []
        for m in mat:
            if len(m) == 0:
                final.append([])
                continue
            _, Q = torch.linalg.eigh(m + 1e-30 * torch.eye(m.shape[0]))
            final.append(torch.flip(Q, [1]))
        return final

    def get_orthogonal_matrix_QR(self, state, max_precond_dim=10000, merge_dims=False):
        precond_list = state["GG"]
        orth_list = state["Q"]
        orig_shape = state["exp_avg_sq"].shape
        if self._data_format == "channels_last" and len(orig_shape) == 4:
            permuted_shape = state["exp_avg_sq"].permute(0, 3, 1, 2).shape
        if merge_dims:
            exp_avg_sq = self.merge_dims(state["exp_avg_sq"], max_precond_dim)
        else:
            exp_avg_sq = state["exp_avg_sq"]
        final = []
        for ind, (m, o) in enumerate(zip(precond_list, orth_list)):
            if len(m) == 0:
                final.append([])
                continue
            est_eig = torch.diag(o.T @ m @ o)
            sort_idx = torch.argsort(est_eig, descending=True)
            exp_avg_sq = exp_avg_sq.index_select(ind, sort_idx)
            o = o[:, sort_idx]
            power_iter = m @ o
            Q, _ = torch.linalg.qr(power_iter)
            final.append(Q)
        if merge_dims:
            if self._data_format == "channels_last" and len(orig_shape) == 4:
                exp_avg_sq = exp_avg_sq.reshape(permuted_shape).permute(0, 2, 3, 1)
            else:
                exp_avg_sq = exp_avg_sq.reshape(orig_shape)
        state["exp_avg_sq"] = exp_avg_sq
        return final
