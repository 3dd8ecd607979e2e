"""Output losses. L = sum over the loss steps of mask_t * L_t, averaged over the batch.

- cross_entropy: L_t = -log softmax(o_t)[y_t], targets int (N, T).
- mse:           L_t = 1/2 * sum_k (o_tk - y_tk)^2, targets float (N, T, K).
  The factor 1/2 makes dL/do_t = o_t - y_t (no factor 2).

The mask (T,) comes from loss_mask: 1 at every step ("all"), at step T only ("last"), or an
explicit float weight per step (the training tasks use it to put the loss on their answer
steps and to express it in their own units, docs/training.md).
"""

from __future__ import annotations

import numpy as np

LOSSES = ("cross_entropy", "mse")
LOSS_STEPS = ("all", "last")


def loss_mask(steps: int, loss_steps: str | np.ndarray) -> np.ndarray:
    """(T,) float: the weight of each step's loss term (0 where a step carries none).

    loss_steps: "all" (weight 1 at every step), "last" (weight 1 at step T only), or an
    explicit mask (T,) of finite floats, returned as a float copy. A mask with weights other
    than 0 and 1 scales each step's term: L = sum_t mask_t L_t (e.g. 1/T averages over steps).
    """
    if isinstance(loss_steps, str):
        if loss_steps not in LOSS_STEPS:
            raise ValueError(f"unknown loss_steps {loss_steps!r}; choose from {LOSS_STEPS} or pass a (T,) mask")
        mask = np.zeros(steps) if loss_steps == "last" else np.ones(steps)
        mask[-1] = 1.0
        return mask
    mask = np.array(loss_steps, dtype=float)  # a copy: the caller's array is never aliased
    if mask.shape != (steps,):
        raise ValueError(f"an explicit loss mask must have shape ({steps},), not {mask.shape}")
    if not np.all(np.isfinite(mask)):
        raise ValueError("an explicit loss mask must hold finite weights")
    return mask


def _log_softmax(o: np.ndarray) -> np.ndarray:
    shifted = o - o.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def evaluate(loss: str, o: np.ndarray, targets: np.ndarray, mask: np.ndarray) -> tuple[float, np.ndarray]:
    """Loss value and dL/do_t.

    o: (N, T, K) outputs; targets: (N, T) int or (N, T, K) float; mask: (T,).
    Returns (L, do) with do: (N, T, K).
    """
    n = o.shape[0]
    weight = mask[None, :, None] / n  # mean over the batch, only loss steps
    if loss == "cross_entropy":
        logp = _log_softmax(o)
        picked = np.take_along_axis(logp, targets[..., None].astype(np.intp), axis=-1)
        value = -(picked * weight).sum()
        onehot = np.zeros_like(o)
        np.put_along_axis(onehot, targets[..., None].astype(np.intp), 1.0, axis=-1)
        do = (np.exp(logp) - onehot) * weight  # dL/do_t = yhat_t - y_t
    elif loss == "mse":
        diff = o - targets
        value = 0.5 * (diff * diff * weight).sum()
        do = diff * weight  # dL/do_t = o_t - y_t
    else:
        raise ValueError(f"unknown loss {loss!r}; choose from {LOSSES}")
    return float(value), do
