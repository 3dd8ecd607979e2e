"""LSTM and GRU cells: finite differences, Jacobians, PyTorch export, gate products, golden cases."""

import numpy as np
import pytest

import bptt_core as bc
from bptt_core.cells import gru, lstm
from bptt_core.export import readout_state_dict, to_torch_state_dict
from bptt_core.gates import cell_path_log10_norms, log10_gate_products
from bptt_core.lognorms import log10_gradient_norms

INITS = {"lstm": lstm.init_lstm, "gru": gru.init_gru}
MODULES = {"lstm": lstm, "gru": gru}


def make(cell: str, d=3, h=3, k=3, rho=0.9, seed=1):
    return INITS[cell](d, h, k, spectral_radius=rho, seed=seed)


def random_state(cell: str, n: int, h: int, seed: int = 5) -> np.ndarray:
    size = 2 * h if cell == "lstm" else h
    return 0.5 * np.random.default_rng(seed).standard_normal((n, size))


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# ---------------------------------------------------------------- gradients


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("loss", bc.LOSSES)
@pytest.mark.parametrize("loss_steps", bc.LOSS_STEPS)
@pytest.mark.parametrize("n", [1, 3])
def test_gradients_match_finite_differences(num, cell, loss, loss_steps, n):
    model = make(cell)
    model.b_h += np.random.default_rng(7).normal(0, 0.3, model.b_h.shape)  # b_x and b_h differ
    xs, targets = num.problem(n, 5, 3, 3, loss, seed=2)
    kwargs = {"loss": loss, "loss_steps": loss_steps, "h0": random_state(cell, n, 3)}
    result = bc.bptt(model, xs, targets, **kwargs)
    numeric = num.numeric_grads(model, xs, targets, **kwargs)
    for name in model.param_names:
        assert num.rel_error(result.grads[name], numeric[name]) < 1e-6, name


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_step_param_grads_sum_to_backward_grads(num, cell):
    model = make(cell, seed=3)
    xs, targets = num.problem(2, 6, 3, 3, "cross_entropy", seed=4)
    result = bc.bptt(model, xs, targets)
    mod, cache = MODULES[cell], result.cache
    total = {name: np.zeros_like(getattr(model, name)) for name in mod.CELL_PARAMS}
    carry = np.zeros((2, mod.state_size(model)))
    for t in range(6, 0, -1):
        ds_t = carry + mod.state_grad_from_hidden(result.dout_direct[:, t - 1])
        dpre, carry = mod.step_backward(ds_t, cache, t)
        for name, term in mod.step_param_grads(dpre, cache, t).items():
            total[name] += term
    for name in mod.CELL_PARAMS:
        assert num.rel_error(total[name], result.grads[name]) < 1e-12, name


# ---------------------------------------------------------------- Jacobians


def fd_jacobian(cell: str, model, x_t: np.ndarray, s_prev: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d s_t / d s_{t-1} for one sample by centred differences: (S, S)."""
    step = MODULES[cell].step_forward
    size = s_prev.shape[-1]
    jac = np.empty((size, size))
    for j in range(size):
        up, down = s_prev.copy(), s_prev.copy()
        up[0, j] += eps
        down[0, j] -= eps
        jac[:, j] = (step(model, None, x_t, up)[0] - step(model, None, x_t, down)[0])[0] / (2 * eps)
    return jac


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_jacobians_rmul_and_step_backward_agree_with_finite_differences(num, cell):
    model = make(cell, h=4, seed=6)
    xs, targets = num.problem(2, 5, 3, 3, "mse", seed=7)
    result = bc.bptt(model, xs, targets, loss="mse", h0=random_state(cell, 2, 4))
    mod, cache = MODULES[cell], result.cache
    jac = mod.jacobians(cache, 1, 5)  # (N, 5, S, S)
    size = mod.state_size(model)
    assert jac.shape == (2, 5, size, size)
    for n in range(2):
        for t in range(1, 6):
            numeric = fd_jacobian(cell, model, xs[n : n + 1, t - 1], cache.states[n : n + 1, t - 1].copy())
            assert num.rel_error(jac[n, t - 1], numeric) < 1e-6, (n, t)
    p = np.random.default_rng(8).standard_normal((2, 3, size))
    for t in range(1, 6):
        np.testing.assert_allclose(mod.rmul_jacobian(p, cache, t), p @ jac[:, t - 1], rtol=1e-12, atol=1e-14)
        _, ds_prev = mod.step_backward(p[:, 0], cache, t)
        np.testing.assert_allclose(ds_prev, np.einsum("ni,nij->nj", p[:, 0], jac[:, t - 1]), rtol=1e-12, atol=1e-14)


def test_lstm_log_norms_equal_the_explicit_jacobian_product(num):
    model = make("lstm", h=3, rho=1.1, seed=9)
    xs, targets = num.problem(2, 6, 3, 3, "cross_entropy", seed=10)
    result = bc.bptt(model, xs, targets)
    jac = lstm.jacobians(result.cache, 1, 6)
    fro = bc.jacobian_log10_norms(model, result, ord="fro")
    spec = bc.jacobian_log10_norms(model, result, ord=2)
    for n in range(2):
        product = np.eye(6)  # ds_T/ds_t = J_T ... J_{t+1}
        for t in range(6, -1, -1):
            assert abs(fro[n, t] - np.log10(np.linalg.norm(product, "fro"))) < 1e-9
            assert abs(spec[n, t] - np.log10(np.linalg.norm(product, 2))) < 1e-9
            if t > 0:
                product = product @ jac[n, t - 1]


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_log10_gradient_norms_match_dh_and_the_weight_term(num, cell):
    model = make(cell, seed=11)
    xs, targets = num.problem(1, 6, 3, 3, "cross_entropy", seed=12)
    result = bc.bptt(model, xs, targets, h0=random_state(cell, 1, 3))
    norms = log10_gradient_norms(model, result)
    np.testing.assert_allclose(norms["total"], np.log10(np.linalg.norm(result.dh, axis=2)), rtol=0, atol=1e-12)
    mod, cache = MODULES[cell], result.cache
    carry = np.zeros((1, mod.state_size(model)))
    for t in range(6, 0, -1):
        ds_t = carry + mod.state_grad_from_hidden(result.dout_direct[:, t - 1])
        dpre, carry = mod.step_backward(ds_t, cache, t)
        term = mod.step_param_grads(dpre, cache, t)["W_h"]  # ||dpre h_{t-1}^T||_F
        assert abs(norms["weight"][0, t - 1] - np.log10(np.linalg.norm(term))) < 1e-12


# ---------------------------------------------------------------- PyTorch export


def torch_lstm_numpy(sd, xs, h, c):
    """torch.nn.LSTM's documented equations, one layer, batch-first, in NumPy."""
    hs = []
    for t in range(xs.shape[1]):
        gates = xs[:, t] @ sd["weight_ih_l0"].T + sd["bias_ih_l0"] + h @ sd["weight_hh_l0"].T + sd["bias_hh_l0"]
        i, f, g, o = np.split(gates, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        hs.append(h)
    return np.stack(hs, axis=1)


def torch_gru_numpy(sd, xs, h):
    """torch.nn.GRU's documented equations, one layer, batch-first, in NumPy."""
    hs = []
    for t in range(xs.shape[1]):
        gi = xs[:, t] @ sd["weight_ih_l0"].T + sd["bias_ih_l0"]
        gh = h @ sd["weight_hh_l0"].T + sd["bias_hh_l0"]
        i_r, i_z, i_n = np.split(gi, 3, axis=1)
        h_r, h_z, h_n = np.split(gh, 3, axis=1)
        r, z = sigmoid(i_r + h_r), sigmoid(i_z + h_z)
        n = np.tanh(i_n + r * h_n)
        h = (1 - z) * n + z * h
        hs.append(h)
    return np.stack(hs, axis=1)


def test_exported_lstm_reproduces_hidden_states_with_torch_equations(num):
    model = make("lstm", d=3, h=4, k=2, seed=13)
    model.b_h += 0.2
    xs, targets = num.problem(3, 7, 3, 2, "mse", seed=14)
    s0 = random_state("lstm", 3, 4)
    result = bc.bptt(model, xs, targets, loss="mse", h0=s0)
    sd = to_torch_state_dict(model)
    assert {k: v.shape for k, v in sd.items()} == {
        "weight_ih_l0": (16, 3),
        "weight_hh_l0": (16, 4),
        "bias_ih_l0": (16,),
        "bias_hh_l0": (16,),
    }
    hs = torch_lstm_numpy(sd, xs, s0[:, :4], s0[:, 4:])
    np.testing.assert_allclose(result.hs[:, 1:], hs, rtol=1e-13, atol=1e-15)
    readout = readout_state_dict(model)
    np.testing.assert_allclose(result.outputs, hs @ readout["weight"].T + readout["bias"], atol=1e-13)


def test_exported_gru_reproduces_hidden_states_with_torch_equations(num):
    model = make("gru", d=3, h=4, k=2, seed=15)
    model.b_h += 0.2
    xs, targets = num.problem(3, 7, 3, 2, "mse", seed=16)
    h0 = random_state("gru", 3, 4)
    result = bc.bptt(model, xs, targets, loss="mse", h0=h0)
    sd = to_torch_state_dict(model)
    assert sd["weight_ih_l0"].shape == (12, 3) and sd["weight_hh_l0"].shape == (12, 4)
    np.testing.assert_allclose(result.hs[:, 1:], torch_gru_numpy(sd, xs, h0), rtol=1e-13, atol=1e-15)
    sd["weight_hh_l0"][0, 0] += 1.0  # a copy: the model is untouched
    assert model.W_h[0, 0] != sd["weight_hh_l0"][0, 0]


# ---------------------------------------------------------------- gate products and golden cases


def test_lstm_saturated_forget_and_closed_input_keep_c_and_unit_cell_path(num):
    model = make("lstm", h=3, seed=17)
    f, i = lstm.gate_slice("f", 3), lstm.gate_slice("i", 3)
    model.W_x[f] = model.W_h[f] = 0.0
    model.W_x[i] = model.W_h[i] = 0.0
    model.b_x[f], model.b_x[i] = 1e3, -1e3  # f_t = 1.0, i_t = 0.0 exactly in float64
    xs, targets = num.problem(2, 8, 3, 3, "cross_entropy", seed=18)
    s0 = random_state("lstm", 2, 3)
    result = bc.bptt(model, xs, targets, h0=s0)
    c = result.cache.states[..., 3:]
    np.testing.assert_array_equal(c, np.broadcast_to(s0[:, None, 3:], c.shape))
    np.testing.assert_array_equal(cell_path_log10_norms(model, result), np.zeros((2, 9)))
    products = log10_gate_products(model, result)
    assert products["gate"] == "f"
    np.testing.assert_array_equal(products["mean"], np.zeros((2, 9)))


def test_gru_saturated_update_gate_gives_identity_jacobian_products(num):
    model = make("gru", h=3, seed=19)
    z = gru.gate_slice("z", 3)
    model.W_x[z] = model.W_h[z] = 0.0
    model.b_x[z] = 1e3  # z_t = 1.0 exactly: h_t = h_{t-1}
    xs, targets = num.problem(2, 8, 3, 3, "cross_entropy", seed=20)
    h0 = random_state("gru", 2, 3)
    result = bc.bptt(model, xs, targets, h0=h0)
    np.testing.assert_array_equal(result.hs, np.broadcast_to(h0[:, None], result.hs.shape))
    np.testing.assert_allclose(bc.jacobian_log10_norms(model, result, ord=2), 0.0, atol=1e-14)
    np.testing.assert_array_equal(log10_gate_products(model, result)["max"], np.zeros((2, 9)))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gate_products_match_direct_products(num, cell):
    model = make(cell, h=4, seed=21)
    xs, targets = num.problem(2, 6, 3, 3, "cross_entropy", seed=22)
    result = bc.bptt(model, xs, targets)
    gate = result.cache.gates[..., 4:8]  # f (LSTM) or z (GRU)
    products = log10_gate_products(model, result)
    for t in range(7):
        direct = np.prod(gate[:, t:], axis=1)  # prod over s = t+1..T
        np.testing.assert_allclose(products["per_unit"][:, t], np.log10(direct), atol=1e-12)
        np.testing.assert_allclose(products["max"][:, t], np.log10(direct.max(axis=1)), atol=1e-12)
        np.testing.assert_allclose(products["mean"][:, t], np.log10(direct.mean(axis=1)), atol=1e-12)
    if cell == "lstm":
        np.testing.assert_array_equal(cell_path_log10_norms(model, result), products["max"])
        jac = lstm.jacobians(result.cache, 1, 6)[..., 4:, 4:]  # c -> c block
        block = np.eye(4)
        for t in range(6, 0, -1):
            block = block @ jac[0, t - 1]
            assert abs(np.log10(np.linalg.norm(block, 2)) - products["max"][0, t - 1]) < 1e-12


def test_gate_products_stay_finite_far_below_float64(num):
    model = make("lstm", h=2, seed=23)
    f = lstm.gate_slice("f", 2)
    model.W_x[f] = model.W_h[f] = 0.0
    model.b_x[f] = -800.0  # f_t rounds to 0.0 in float64; log10 f_t = -800 / ln 10 - tiny
    xs, targets = num.problem(1, 3000, 3, 3, "cross_entropy", seed=24)
    result = bc.bptt(model, xs, targets)
    products = log10_gate_products(model, result)
    assert np.all(np.isfinite(products["mean"])) and np.all(np.isfinite(products["per_unit"]))
    np.testing.assert_allclose(products["max"][0, 0], -3000 * 800 / np.log(10), rtol=1e-12)
    with pytest.raises(ValueError):
        log10_gate_products(bc.init_rnn(2, 2, 2, spectral_radius=0.5), result)


# ---------------------------------------------------------------- init, registry, shapes


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_init_shapes_spectra_biases_and_registry(num, cell):
    state = np.random.get_state()[1].copy()
    blocks = 4 if cell == "lstm" else 3
    model = INITS[cell](5, 6, 2, spectral_radius=0.8, init="orthogonal", seed=25)
    assert bc.CELLS[cell] is MODULES[cell] and bc.cell_module(model) is MODULES[cell]
    assert model.W_x.shape == (blocks * 6, 5) and model.W_h.shape == (blocks * 6, 6)
    for k in range(blocks):
        block = model.W_h[k * 6 : (k + 1) * 6]
        assert np.isclose(np.max(np.abs(np.linalg.eigvals(block))), 0.8)
    candidate = MODULES[cell].recurrent_matrix_of(model)
    np.testing.assert_array_equal(candidate, model.W_h[12:18])
    biased = INITS[cell](
        5,
        6,
        2,
        spectral_radius=0.8,
        seed=25,
        **{"lstm": {"forget_bias": 2.5}, "gru": {"update_bias": 2.5}}[cell],
    )
    expected = np.zeros(blocks * 6)
    expected[6:12] = 2.5  # forget (LSTM) or update (GRU) slice
    np.testing.assert_array_equal(biased.b_x, expected)
    xs, targets = num.problem(2, 4, 5, 2, "cross_entropy")
    result = bc.bptt(model, xs, targets)
    assert result.hs.shape == (2, 5, 6) and result.dh.shape == (2, 4, 6) and result.a.shape == (2, 4, blocks * 6)
    assert result.overflow_step is None
    assert {k: v.shape for k, v in result.grads.items()} == {k: v.shape for k, v in model.params().items()}
    np.testing.assert_array_equal(np.random.get_state()[1], state)


# ---------------------------------------------------------------- export


def test_torch_npz_holds_every_state_dict_under_its_model_name():
    import io

    from bptt_core.export import readout_state_dict, torch_npz

    lstm = bc.init_lstm(3, 4, 2, spectral_radius=0.9, seed=1)
    gru = bc.init_gru(3, 4, 2, spectral_radius=0.9, seed=2)
    with np.load(io.BytesIO(torch_npz({"lstm": lstm, "gru": gru}))) as file:
        for name, model in (("lstm", lstm), ("gru", gru)):
            for key, value in bc.to_torch_state_dict(model).items():
                np.testing.assert_array_equal(file[f"{name}.{key}"], value)
            for key, value in readout_state_dict(model).items():
                np.testing.assert_array_equal(file[f"{name}.readout.{key}"], value)
