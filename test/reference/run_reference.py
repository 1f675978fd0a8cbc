"""Runs reference optimizer trajectories for the TypeScript tests.

Reads one JSON document on stdin: {"cases": [case, ...]}. Each case names an optimizer id, the
hyperparameters the test overrides (everything else takes the reference's own defaults), a problem and
a number of steps; it prints {"torch": version, "cases": {key: {"trajectory": [[param values...] per
step], "codes": ...}}} on stdout. Problems:
  separable: given gradient g = a*d + c*d^3 with d = p - t, per parameter (loss sum(a d^2/2 + c d^4/4)),
             plus noise[step-1][param] when the case gives it (minibatch-like gradient noise);
  mlp:       mean cross-entropy of relu(x W1 + b1) W2 + b2 against integer labels (autograd);
  trace:     a 2-D test function of p = [x, y] (autograd).
torch-native optimizers run torch.optim itself; the others run optimizers_reference.py, except GaLore
AdamW (galore_reference.py), SOAP (soap_reference.py), AdEMAMix and MARS-AdamW
(ademamix_mars_reference.py), NAdamW, LARS and Signum (nadamw_lars_signum_reference.py).
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ademamix_mars_reference  # noqa: E402
import galore_reference  # noqa: E402
import nadamw_lars_signum_reference  # noqa: E402
import optimizers_reference as ref  # noqa: E402
import soap_reference  # noqa: E402

torch.set_num_threads(1)


def f32(values, shape):
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def torch_native(opt_id, params, hyper):
    h = dict(hyper)
    if "betas" in h:
        h["betas"] = tuple(h["betas"])
    if opt_id in ("sgd", "sgd-momentum", "nesterov"):
        if opt_id in ("sgd-momentum", "nesterov"):
            h.setdefault("momentum", 0.9)
        if opt_id == "nesterov":
            h.setdefault("nesterov", True)
        return torch.optim.SGD(params, **h)
    if opt_id == "adam":
        return torch.optim.Adam(params, **h)
    if opt_id == "amsgrad":
        h.setdefault("amsgrad", True)
        return torch.optim.Adam(params, **h)
    if opt_id == "adamw":
        return torch.optim.AdamW(params, **h)
    if opt_id == "adagrad":
        return torch.optim.Adagrad(params, **h)
    if opt_id == "rmsprop":
        return torch.optim.RMSprop(params, **h)
    return None


REFERENCE = {
    "adafactor": ref.Adafactor, "lamb": ref.Lamb, "novograd": ref.NovoGrad, "lion": ref.Lion,
    "adamw-8bit": ref.AdamW8bit, "paged-adamw-8bit": ref.AdamW8bit, "muon": ref.Muon,
    "schedule-free-adamw": ref.ScheduleFreeAdamW, "shampoo": ref.Shampoo,
    "adahessian": ref.AdaHessian, "sophia": ref.Sophia, "came": ref.Came,
    "galore-adamw": galore_reference.GaLoreAdamW, "soap": soap_reference.SOAP,
    "ademamix": ademamix_mars_reference.AdEMAMix, "mars-adamw": ademamix_mars_reference.MarsAdamW,
}
REFERENCE.update({
    "nadamw": nadamw_lars_signum_reference.NAdamW, "lars": nadamw_lars_signum_reference.Lars,
    "signum": nadamw_lars_signum_reference.Signum,
})
NEEDS_LOSS = {"adahessian", "sophia"}


def trace_loss(name, p):
    x, y = p[0], p[1]
    if name == "rosenbrock":
        return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    if name == "beale":
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2
    if name == "saddle":
        return x ** 2 - y ** 2
    raise ValueError(name)


def run_case(case):
    opt_id = case["optimizer"]
    params = [f32(p["values"], p["shape"]).requires_grad_(True) for p in case["params"]]
    problem = case["problem"]
    hyper = {k: (tuple(v) if isinstance(v, list) else v) for k, v in case.get("hyper", {}).items()}

    if problem == "separable":
        sep = case["separable"]
        a = [f32(v, p.shape) for v, p in zip(sep["a"], params)]
        c = [f32(v, p.shape) for v, p in zip(sep["c"], params)]
        t = [f32(v, p.shape) for v, p in zip(sep["t"], params)]
        noise = sep.get("noise")

        def given_grads(step):
            out = []
            for i, (p, ai, ci, ti) in enumerate(zip(params, a, c, t)):
                d = p.detach() - ti
                g = ai * d + ci * (d * d * d)
                if noise is not None:
                    g = g + f32(noise[step - 1][i], p.shape)
                out.append(g)
            return out

        def loss_fn():
            total = 0
            for p, ai, ci, ti in zip(params, a, c, t):
                d = p - ti
                total = total + torch.sum(0.5 * ai * d * d + 0.25 * ci * d * d * d * d)
            return total
    elif problem == "mlp":
        mlp = case["mlp"]
        x = f32(mlp["x"], mlp["xShape"])
        labels = torch.tensor(mlp["labels"], dtype=torch.long)

        def loss_fn():
            w1, b1, w2, b2 = params
            logits = torch.relu(x @ w1 + b1) @ w2 + b2
            return torch.nn.functional.cross_entropy(logits, labels)

        def given_grads(step):
            return list(torch.autograd.grad(loss_fn(), params))

        if "sampledLabels" in mlp:
            sampled = torch.tensor(mlp["sampledLabels"], dtype=torch.long)

            def sampled_loss_fn():
                w1, b1, w2, b2 = params
                return torch.nn.functional.cross_entropy(torch.relu(x @ w1 + b1) @ w2 + b2, sampled)
    elif problem == "trace":
        name = case["trace"]["problem"]

        def loss_fn():
            return trace_loss(name, params[0])

        def given_grads(step):
            return list(torch.autograd.grad(loss_fn(), params))
    else:
        raise ValueError(problem)

    probes = case.get("probes")
    if problem != "mlp" or "sampledLabels" not in case["mlp"]:
        sampled_loss_fn = None

    def probe_vectors(step):
        return [f32(v, p.shape) for v, p in zip(probes[step - 1], params)]

    trajectory = []
    native = torch_native(opt_id, params, hyper)
    if native is not None:
        reference = None
    elif opt_id == "adam-mini":
        reference = ref.AdamMini([p["name"] for p in case["params"]], **hyper)
    else:
        reference = REFERENCE[opt_id](**hyper)
    for step in range(1, case["steps"] + 1):
        if native is not None:
            grads = given_grads(step)
            for p, g in zip(params, grads):
                p.grad = g.detach().clone()
            native.step()
        elif opt_id == "adahessian":
            reference.step(params, loss_fn, probe_vectors(step))
        elif opt_id == "sophia":
            reference.step(params, loss_fn, probe_vectors, sampled_loss_fn)
        else:
            grads = [g.detach() for g in given_grads(step)]
            with torch.no_grad():
                reference.step(params, grads)
        # Non-finite values become null (JSON has no NaN/Infinity); the tests treat null as divergence.
        trajectory.append([[v if math.isfinite(v) else None for v in p.detach().reshape(-1).tolist()] for p in params])
    out = {"trajectory": trajectory}
    if isinstance(reference, ref.AdamW8bit):
        out["codes"] = {
            str(i): [c.reshape(-1).tolist() for c in reference.codes(i)]
            for i in range(len(params)) if params[i].numel() >= reference.min_size
        }
    return out


def main():
    request = json.load(sys.stdin)
    results = {}
    for case in request["cases"]:
        results[case["key"]] = run_case(case)
    json.dump({"torch": torch.__version__, "cases": results}, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
