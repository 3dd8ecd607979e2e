"""Cell registry: one module per cell, each with the same functions.

Every cell module provides NAME, CELL_PARAMS, state_size, hidden_of,
state_grad_from_hidden, step_forward, forward, step_backward, step_param_grads,
backward, rmul_jacobian, lmul_jacobian, jacobians and recurrent_matrix_of. Adding a cell means
adding one module and one entry below.
"""

from __future__ import annotations

from types import ModuleType

from . import gru, lstm, rnn

CELLS: dict[str, ModuleType] = {rnn.NAME: rnn, lstm.NAME: lstm, gru.NAME: gru}


def cell_module(model) -> ModuleType:
    """The module implementing model's cell (looked up by model.cell)."""
    return CELLS[model.cell]
