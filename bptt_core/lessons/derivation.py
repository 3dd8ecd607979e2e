"""The numbers behind the Derivation view: BPTT on a small vanilla RNN, one edge at a time.

backward_steps() replays bptt()'s backward pass as a list of elementary steps along the
edges of the unrolled graph. Node ids: "x3", "a3" (pre-activation), "h3", "o3", "L3",
"h0" (initial state) and the shared parameters "W_h", "W_x", "W_y", "b_h", "b_y". An
edge (from, to) points backwards, from the node whose gradient is known to the node
that receives a share of it: ("L3", "o3"), ("o3", "h3"), ("h3", "a3"), ("a3", "W_h"),
("a3", "h2"). A parameter edge at step t is the copy of the shared weight used at t;
the gradient of the shared weight is the sum of its copies' terms.

Each step holds the incoming gradient, the local derivative, their product and the
running sums of every parameter gradient; after the last step the running sums equal
bptt()'s gradients.

Warm-up (warmup()): f = (x - y) z at x = -2, y = 5, z = -4, the numbers of cs231n's
"(x + y) z" example with the sum replaced by a difference so the -1 local derivative
of subtraction shows up: q = -7, f = 28, df/dx = z = -4, df/dy = -z = 4, df/dz = q = -7;
one step with learning rate 0.1 gives x, y, z = -1.6, 4.6, -3.3 and f = 20.46.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .. import losses
from ..bptt import BPTTResult, bptt
from ..cells import cell_module
from ..cells.rnn import RNN, init_rnn
from ..rng import as_generator

STEP_KINDS = ("output", "hidden", "weight", "bias", "preact", "carry")
# How product is formed from incoming and local:
#   "scale"       incoming * local             (dL/dL_t = 1/N times dL_t/do_t)
#   "matmul"      incoming @ local             (row-vector gradient times a Jacobian matrix)
#   "elementwise" incoming * local             (a diagonal Jacobian: f'(a_t))
#   "outer"       sum_n incoming_n local_n^T   (a weight term, summed over the batch)
#   "sum"         sum_n incoming_n             (a bias term)
STEP_OPS = ("scale", "matmul", "elementwise", "outer", "sum")


def node_id(name: str, t: int) -> str:
    """Id of a per-step node: node_id("h", 3) -> "h3"."""
    return f"{name}{t}"


@dataclass(frozen=True)
class BackwardStep:
    """One elementary step of the backward pass (shapes for a batch of N sequences).

    kind: one of STEP_KINDS; t: the time step (1..T) the edge belongs to.
    edge: (from, to) node ids, in the backward direction.
    param: the parameter receiving a term ("weight"/"bias" steps), else None.
    op: how product was formed from incoming and local (see STEP_OPS).
    incoming: gradient arriving at `from`: (N, 1) for "output" (dL/dL_t = 1/N),
        (N, K) dL/do_t for "hidden"/W_y/b_y, (N, H) dL/dh_t for "preact",
        (N, H) dL/da_t for W_h/W_x/b_h/"carry".
    local: d(from)/d(to): (N, K) dL_t/do_t, (K, H) W_y, (N, H) h_t for W_y,
        (N, K) ones for b_y, (N, H) f'(a_t), (N, H) h_{t-1} for W_h, (N, D) x_t for W_x,
        (N, H) ones for b_h, (H, H) W_h for "carry".
    product: the share sent to `to`: (N, K), (N, H), or the parameter term (summed over N).
    node_total: gradient accumulated at `to` after this step (dL/dh_t so far, or the
        running sum of `param`).
    grads: running sums of every parameter gradient after this step, keyed like model.params().
    """

    index: int
    kind: str
    t: int
    edge: tuple[str, str]
    param: str | None
    op: str
    incoming: np.ndarray
    local: np.ndarray
    product: np.ndarray
    node_total: np.ndarray
    grads: dict[str, np.ndarray] = field(repr=False)


class _Recorder:
    """Appends steps while keeping the running parameter sums."""

    def __init__(self, model: RNN):
        self.sums = {name: np.zeros_like(p) for name, p in model.params().items()}
        self.steps: list[BackwardStep] = []

    def add(self, kind, t, edge, op, incoming, local, product, *, param=None, node_total=None) -> None:
        if param is not None:
            self.sums[param] = self.sums[param] + product
            node_total = self.sums[param]
        grads = {name: s.copy() for name, s in self.sums.items()}
        step = BackwardStep(len(self.steps), kind, t, edge, param, op, incoming, local, product, node_total, grads)
        self.steps.append(step)


def _check_rnn(model) -> None:
    if getattr(model, "cell", None) != "rnn":
        raise ValueError("the derivation view walks a vanilla RNN (model.cell == 'rnn')")


def backward_steps(
    model: RNN,
    xs: np.ndarray,
    targets: np.ndarray,
    *,
    loss: str = "cross_entropy",
    loss_steps: str = "all",
    h0: np.ndarray | None = None,
) -> list[BackwardStep]:
    """bptt()'s backward pass as an ordered list of elementary steps.

    xs: (N, T, D); targets: int (N, T) for cross-entropy or float (N, T, K) for MSE.
    Order, for t = T down to 1: if step t carries a loss, L_t -> o_t, o_t -> h_t, o_t -> W_y,
    o_t -> b_y; then h_t -> a_t, a_t -> W_h, a_t -> W_x, a_t -> b_h, a_t -> h_{t-1}.
    The last step's grads equal bptt(...).grads.
    """
    _check_rnn(model)
    result = bptt(model, xs, targets, loss=loss, loss_steps=loss_steps, h0=h0)
    cell = cell_module(model)
    cache = result.cache
    n, steps = xs.shape[:2]
    mask = losses.loss_mask(steps, loss_steps)
    _, do = losses.evaluate(loss, result.outputs, targets, mask)  # (N, T, K) dL/do_t, as bptt() uses it
    rec = _Recorder(model)
    carry = np.zeros((n, model.hidden_size))  # W_h^T dL/da_{t+1}, nothing beyond T
    for t in range(steps, 0, -1):
        h_t, a_t = node_id("h", t), node_id("a", t)
        dh_t = carry
        if mask[t - 1]:
            dh_t = _output_steps(rec, model, result, do[:, t - 1], t, carry)
        da_t, carry = cell.step_backward(dh_t, cache, t)  # dL/da_t = f'(a_t) * dL/dh_t
        rec.add("preact", t, (h_t, a_t), "elementwise", dh_t, cache.d[:, t - 1], da_t, node_total=da_t)
        terms = cell.step_param_grads(da_t, cache, t)  # dL/da_t h_{t-1}^T, dL/da_t x_t^T, dL/da_t
        rec.add("weight", t, (a_t, "W_h"), "outer", da_t, cache.states[:, t - 1], terms["W_h"], param="W_h")
        rec.add("weight", t, (a_t, "W_x"), "outer", da_t, cache.xs[:, t - 1], terms["W_x"], param="W_x")
        rec.add("bias", t, (a_t, "b_h"), "sum", da_t, np.ones_like(da_t), terms["b_h"], param="b_h")
        # dL/dh_{t-1} (through step t) = W_h^T dL/da_t
        rec.add("carry", t, (a_t, node_id("h", t - 1)), "matmul", da_t, model.W_h, carry, node_total=carry)
    return rec.steps


def _output_steps(rec: _Recorder, model: RNN, result: BPTTResult, do_t: np.ndarray, t: int, carry: np.ndarray):
    """The four steps out of L_t and o_t; returns the total dL/dh_t: (N, H)."""
    n = do_t.shape[0]
    l_t, o_t, h_t = node_id("L", t), node_id("o", t), node_id("h", t)
    incoming = np.full((n, 1), 1.0 / n)  # dL/dL_t: L is the batch mean of sum_t L_t
    rec.add("output", t, (l_t, o_t), "scale", incoming, do_t * n, do_t, node_total=do_t)  # dL/do_t
    direct = do_t @ model.W_y  # W_y^T dL/do_t, the read-out's share of dL/dh_t
    dh_t = direct + carry  # dL/dh_t = W_y^T dL/do_t + W_h^T dL/da_{t+1}
    rec.add("hidden", t, (o_t, h_t), "matmul", do_t, model.W_y, direct, node_total=dh_t)
    h = result.hs[:, t]
    rec.add("weight", t, (o_t, "W_y"), "outer", do_t, h, do_t.T @ h, param="W_y")  # dL/do_t h_t^T
    rec.add("bias", t, (o_t, "b_y"), "sum", do_t, np.ones_like(do_t), do_t.sum(axis=0), param="b_y")
    return dh_t


def terms_by_step(steps: list[BackwardStep], param: str = "W_h") -> dict[int, np.ndarray]:
    """Step t's term of dL/d(param), keyed by t (descending, as walked)."""
    return {s.t: s.product for s in steps if s.param == param}


def hidden_gradient_norms(steps: list[BackwardStep], sample: int = 0) -> dict[int, float]:
    """||dL/dh_t|| for t = T..0 (total, through every later step), for one sample."""
    norms: dict[int, float] = {}
    for s in steps:
        if s.kind == "preact":
            norms[s.t] = float(np.linalg.norm(s.incoming[sample]))
        elif s.kind == "carry" and s.t == 1:
            norms[0] = float(np.linalg.norm(s.product[sample]))
    return norms


# ---------------------------------------------------------------- finite differences


def finite_difference_grads(
    model,
    xs: np.ndarray,
    targets: np.ndarray,
    *,
    loss: str = "cross_entropy",
    loss_steps: str = "all",
    eps: float = 1e-6,
    h0: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Centred differences (L(p + eps) - L(p - eps)) / 2 eps for every entry of every parameter.

    Same keys and shapes as bptt(...).grads. The loss is bptt()'s own value (one definition of
    the forward pass and the loss); its gradient is not used. Small nets only.
    """
    params = {name: p.astype(np.float64, copy=True) for name, p in model.params().items()}
    grads = {}
    for name, p in params.items():
        g = np.empty_like(p)
        for i in np.ndindex(p.shape):
            original = p[i]
            values = []
            for shift in (eps, -eps):
                p[i] = original + shift
                values.append(bptt(replace(model, **params), xs, targets, loss=loss, loss_steps=loss_steps, h0=h0).loss)
            p[i] = original
            g[i] = (values[0] - values[1]) / (2 * eps)
        grads[name] = g
    return grads


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|a| + |b|) over the whole array (0 when both are 0)."""
    scale = float(np.max(np.abs(a) + np.abs(b), initial=0.0))
    return float(np.max(np.abs(a - b), initial=0.0) / max(scale, np.finfo(float).tiny))


# ---------------------------------------------------------------- Jacobian chain


@dataclass(frozen=True)
class JacobianChain:
    """dh_{t_from}/dh_{t_to} = J_{t_from} ... J_{t_to + 1} for one sample.

    steps: (k,) the t of each factor, descending; derivatives: (k, H) f'(a_t);
    factors: (k, H, H) J_t = diag(f'(a_t)) W_h; factor_norms: (k,) spectral norms;
    product: (H, H) (identity when k = 0); product_norm: its spectral norm;
    log10_product_norm: the same in log10, computed renormalised (never 0 or inf);
    log10_bound: sum of log10 factor_norms (the product of norms, >= product_norm).
    """

    t_from: int
    t_to: int
    steps: np.ndarray
    derivatives: np.ndarray
    factors: np.ndarray
    factor_norms: np.ndarray
    product: np.ndarray
    product_norm: float
    log10_product_norm: float
    log10_bound: float


def jacobian_chain(model: RNN, result: BPTTResult, t_from: int, t_to: int, *, sample: int = 0) -> JacobianChain:
    """The factors of dh_{t_from}/dh_{t_to} and their product (t_from >= t_to, both in 0..T)."""
    _check_rnn(model)
    steps_total = result.dh.shape[1]
    if not 0 <= t_to <= t_from <= steps_total:
        raise ValueError(f"need 0 <= t_to <= t_from <= T={steps_total}, got t_from={t_from}, t_to={t_to}")
    ts = np.arange(t_from, t_to, -1)
    size = model.hidden_size
    derivs = result.cache.d[sample, ts - 1] if ts.size else np.empty((0, size))
    factors = derivs[:, :, None] * model.W_h  # J_t = diag(f'(a_t)) W_h
    product, unit, log_scale = np.eye(size), np.eye(size), 0.0
    with np.errstate(divide="ignore"):
        for j in factors:  # left to right: J_{t_from} J_{t_from - 1} ...
            product = product @ j
            unit = unit @ j
            scale = np.linalg.norm(unit)
            unit = unit / scale if scale > 0 else unit
            log_scale += np.log10(scale)
        norms = np.linalg.norm(factors, ord=2, axis=(1, 2)) if ts.size else np.empty(0)
        log_norm = log_scale + np.log10(np.linalg.norm(unit, ord=2)) if np.isfinite(log_scale) else -np.inf
        bound = float(np.sum(np.log10(norms)))
    return JacobianChain(
        t_from=t_from,
        t_to=t_to,
        steps=ts,
        derivatives=derivs,
        factors=factors,
        factor_norms=norms,
        product=product,
        product_norm=float(np.linalg.norm(product, ord=2)),
        log10_product_norm=float(log_norm),
        log10_bound=bound,
    )


def repeated_factor_log10(factor: float, k_max: int) -> np.ndarray:
    """log10(factor^k) for k = 0..k_max: (k_max + 1,). A factor below 1 shrinks geometrically."""
    return np.arange(k_max + 1) * np.log10(factor)


# ---------------------------------------------------------------- warm-up: f = (x - y) z


@dataclass(frozen=True)
class Warmup:
    """Forward values, local derivatives, gradients and one gradient-descent step of f = (x - y) z."""

    x: float
    y: float
    z: float
    q: float  # q = x - y
    f: float  # f = q z
    dq_dx: float  # 1
    dq_dy: float  # -1
    df_dq: float  # z
    df_dz: float  # q
    df_dx: float  # df/dq dq/dx = z
    df_dy: float  # df/dq dq/dy = -z
    lr: float
    x_new: float
    y_new: float
    z_new: float
    q_new: float
    f_new: float

    @property
    def decrease(self) -> float:
        """f - f_new (positive when the step lowered f)."""
        return self.f - self.f_new

    def as_dict(self) -> dict[str, float]:
        d = {name: getattr(self, name) for name in self.__dataclass_fields__}
        d["decrease"] = self.decrease
        return d


def warmup(x: float = -2.0, y: float = 5.0, z: float = -4.0, lr: float = 0.1) -> Warmup:
    """The chain rule on f = (x - y) z and one step x <- x - lr df/dx (likewise y, z).

    The defaults are cs231n's numbers; f drops from 28 to 20.46. A large lr can overshoot
    (f is not convex), so check .decrease before saying "f went down".
    """
    q = x - y
    f = q * z
    df_dq, df_dz = z, q  # local derivatives of the product gate
    dq_dx, dq_dy = 1.0, -1.0  # local derivatives of the subtraction gate
    df_dx, df_dy = df_dq * dq_dx, df_dq * dq_dy  # chain rule
    x_new, y_new, z_new = x - lr * df_dx, y - lr * df_dy, z - lr * df_dz
    q_new = x_new - y_new
    return Warmup(
        x=float(x),
        y=float(y),
        z=float(z),
        q=float(q),
        f=float(f),
        dq_dx=dq_dx,
        dq_dy=dq_dy,
        df_dq=float(df_dq),
        df_dz=float(df_dz),
        df_dx=float(df_dx),
        df_dy=float(df_dy),
        lr=float(lr),
        x_new=float(x_new),
        y_new=float(y_new),
        z_new=float(z_new),
        q_new=float(q_new),
        f_new=float(q_new * z_new),
    )


# ---------------------------------------------------------------- a seeded small example


def small_example(
    steps: int = 3,
    hidden: int = 2,
    *,
    seed: int | np.random.Generator = 0,
    input_size: int = 2,
    output_size: int = 3,
    spectral_radius: float = 0.8,
    activation: str = "tanh",
    init: str = "gaussian",
    loss: str = "cross_entropy",
) -> tuple[RNN, np.ndarray, np.ndarray]:
    """A seeded small RNN and one sequence: (model, xs: (1, T, D), targets).

    targets: int (1, T) class labels for cross-entropy, float (1, T, K) for MSE.
    """
    if loss not in losses.LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose from {losses.LOSSES}")
    rng = as_generator(seed)
    model = init_rnn(
        input_size, hidden, output_size, spectral_radius=spectral_radius, activation=activation, init=init, seed=rng
    )
    xs = rng.standard_normal((1, steps, input_size))
    if loss == "cross_entropy":
        targets = rng.integers(0, output_size, size=(1, steps))
    else:
        targets = rng.standard_normal((1, steps, output_size))
    return model, xs, targets
