"""Order, chaos and memory: the core of the dynamics view (docs/dynamics.md).

- influence_log10_norms: log10 ||ds_t/ds_s|| for every pair s <= t, (N, T+1, T+1).
- lyapunov_log10_exponents: the top k Lyapunov exponents, log10 per step, (N, k).
- phase_grid: lambda_1 of the vanilla RNN over a (input scale, rho) grid, all cells at once.
- mean_field_q, mean_field_chi, mean_field_edge, sigma_w_per_rho: the mean-field edge of chaos.
"""

from .influence import influence_log10_norms
from .lyapunov import lyapunov_log10_exponents
from .mean_field import mean_field_chi, mean_field_edge, mean_field_q, sigma_w_per_rho
from .phase import phase_grid, phase_inputs

__all__ = [
    "influence_log10_norms",
    "lyapunov_log10_exponents",
    "mean_field_chi",
    "mean_field_edge",
    "mean_field_q",
    "phase_grid",
    "phase_inputs",
    "sigma_w_per_rho",
]
