"""bptt_core: exact Backpropagation Through Time in NumPy (no streamlit, no plotly).

Shape letters, used in every docstring of this package and the views:

    N  batch size            T  sequence length (steps t = 1..T)
    D  input size            H  hidden size
    K  output size           S  state size (H for RNN and GRU, 2H for LSTM: (h, c))

Arrays indexed by step store step t at index t - 1, except those that include
the initial state (hs, states: (N, T+1, .), h_0 at index 0) and the Jacobian
products (N, T+1), where index t means ds_T/ds_t.

Quick start:

    import numpy as np, bptt_core as bc
    model = bc.init_rnn(8, 32, 8, spectral_radius=0.9, seed=0)
    xs = np.random.default_rng(0).standard_normal((1, 100, 8))
    targets = np.zeros((1, 100), dtype=int)
    result = bc.bptt(model, xs, targets)
    bc.jacobian_log10_norms(model, result, ord=2)   # (1, 101)

The library proper is everything but lessons/: worked examples for teaching (the derivation
walk, Pascanu's cliff) that the app's lesson views use; they are re-exported here as before.
"""

from .activations import ACTIVATIONS, Activation, get_activation
from .analysis import Spectrum, Verdict, fitted_log10_growth, spectrum, verdict
from .bptt import BPTTResult, bptt
from .cells import CELLS, cell_module
from .cells.gru import GRU, init_gru
from .cells.lstm import LSTM, init_lstm
from .cells.rnn import RNN, init_rnn
from .clipping import CLIPPERS, ClipReport, clip_global_norm, clip_value, no_clip
from .dynamics import (
    influence_log10_norms,
    lyapunov_log10_exponents,
    mean_field_chi,
    mean_field_edge,
    mean_field_q,
    phase_grid,
    phase_inputs,
    sigma_w_per_rho,
)
from .export import readout_state_dict, to_torch_state_dict
from .gates import cell_path_log10_norms, log10_gate_products
from .initializers import INITIALIZERS
from .lessons import cliff, derivation
from .lessons.derivation import (
    BackwardStep,
    JacobianChain,
    Warmup,
    backward_steps,
    finite_difference_grads,
    jacobian_chain,
    warmup,
)
from .lognorms import (
    jacobian_log10_norms,
    jacobian_log10_norms_both,
    log10_gradient_norms,
    step_jacobian_log10_singular_range,
)
from .losses import LOSS_STEPS, LOSSES
from .numerics import cosine, log10_row_norms, safe_norm
from .optim import OPTIMIZERS
from .problem import INPUT_SIZE, OUTPUT_SIZE, Problem
from .tasks import TASKS, make_batch
from .training import MAX_RUN_COST, StopTraining, TrainingRun, run_cost, train
from .truncation import TBPTT, Chunked, Randomized, path_mask, path_weights, per_step_contributions, truncated_grads

__all__ = [
    "TASKS",
    "make_batch",
    "train",
    "TrainingRun",
    "StopTraining",
    "OPTIMIZERS",
    "run_cost",
    "MAX_RUN_COST",
    "influence_log10_norms",
    "lyapunov_log10_exponents",
    "phase_grid",
    "phase_inputs",
    "mean_field_q",
    "mean_field_chi",
    "mean_field_edge",
    "sigma_w_per_rho",
    "CLIPPERS",
    "TBPTT",
    "BackwardStep",
    "Chunked",
    "ClipReport",
    "JacobianChain",
    "Randomized",
    "Warmup",
    "backward_steps",
    "clip_global_norm",
    "clip_value",
    "cliff",
    "derivation",
    "cosine",
    "log10_row_norms",
    "safe_norm",
    "INPUT_SIZE",
    "OUTPUT_SIZE",
    "Problem",
    "finite_difference_grads",
    "jacobian_chain",
    "no_clip",
    "path_mask",
    "path_weights",
    "per_step_contributions",
    "truncated_grads",
    "warmup",
    "ACTIVATIONS",
    "CELLS",
    "INITIALIZERS",
    "LOSSES",
    "LOSS_STEPS",
    "GRU",
    "LSTM",
    "RNN",
    "Activation",
    "BPTTResult",
    "Spectrum",
    "Verdict",
    "bptt",
    "cell_module",
    "fitted_log10_growth",
    "get_activation",
    "init_gru",
    "init_lstm",
    "init_rnn",
    "cell_path_log10_norms",
    "log10_gate_products",
    "readout_state_dict",
    "to_torch_state_dict",
    "jacobian_log10_norms",
    "jacobian_log10_norms_both",
    "log10_gradient_norms",
    "spectrum",
    "step_jacobian_log10_singular_range",
    "verdict",
]
