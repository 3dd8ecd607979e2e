"""Weights as a PyTorch state dict (plain NumPy arrays; no torch import).

Names are those of a one-layer torch.nn.LSTM / GRU / RNN:

    weight_ih_l0 = W_x   (4H, D) LSTM, (3H, D) GRU, (H, D) RNN
    weight_hh_l0 = W_h   (4H, H) LSTM, (3H, H) GRU, (H, H) RNN
    bias_ih_l0   = b_x   (vanilla RNN: zeros; its single bias b_h goes to bias_hh_l0)
    bias_hh_l0   = b_h

The gate order is PyTorch's own (LSTM i, f, g, o; GRU r, z, n), so

    torch_lstm.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch_state_dict(m).items()})

reproduces the hidden states exactly (torch.nn.RNN needs nonlinearity="tanh" or "relu",
matching model.activation). The read-out is a separate torch.nn.Linear(H, K):
readout_state_dict gives its "weight" (= W_y) and "bias" (= b_y).
"""

from __future__ import annotations

import io

import numpy as np

_TORCH_RNN_NONLINEARITIES = ("tanh", "relu")


def to_torch_state_dict(model) -> dict[str, np.ndarray]:
    """Copies of the recurrent weights under PyTorch's names (see the module docstring)."""
    if model.cell == "rnn":
        if model.activation not in _TORCH_RNN_NONLINEARITIES:
            raise ValueError(f"torch.nn.RNN has no {model.activation!r} nonlinearity")
        b_x, b_h = np.zeros_like(model.b_h), model.b_h
    else:
        b_x, b_h = model.b_x, model.b_h
    return {
        "weight_ih_l0": model.W_x.copy(),
        "weight_hh_l0": model.W_h.copy(),
        "bias_ih_l0": b_x.copy(),
        "bias_hh_l0": b_h.copy(),
    }


def readout_state_dict(model) -> dict[str, np.ndarray]:
    """The read-out o_t = W_y h_t + b_y as a torch.nn.Linear(H, K) state dict."""
    return {"weight": model.W_y.copy(), "bias": model.b_y.copy()}


def torch_npz(models: dict) -> bytes:
    """An .npz file holding each model's state dict and read-out, keys "<name>.<pytorch key>".

    Load with numpy.load, then e.g. torch.nn.LSTM(...).load_state_dict({k: torch.from_numpy(v)
    for k, v in file.items() if k.startswith("lstm.weight") or k.startswith("lstm.bias")}) after
    stripping the "lstm." prefix; "<name>.readout.weight" and ".bias" fit torch.nn.Linear.
    """
    arrays = {}
    for name, model in models.items():
        arrays.update({f"{name}.{key}": value for key, value in to_torch_state_dict(model).items()})
        arrays.update({f"{name}.readout.{key}": value for key, value in readout_state_dict(model).items()})
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()
