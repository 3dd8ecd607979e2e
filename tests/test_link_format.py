"""Link format v1, pinned: every URL key with its default, and the tokens of every choice.

Defaults are left out of the URL, so changing one changes what every old link shows; a
renamed key or token breaks old links. Either change must come with a new LINK_VERSION (and
a new golden table here): this test fails until both are done.
"""

from __future__ import annotations

from explorer.registry import ALL_SETTINGS
from explorer.shared.fields import ChoiceField
from explorer.shared.settings import LINK_VERSION, VERSION_KEY, specs

GOLDEN = {
    "1": {
        "lang": "en",
        "preset": "",
        "present": False,
        "show": "",
        "T": 100,
        "H": 32,
        "rho": 0.9,
        "act": "tanh",
        "init": "gaussian",
        "xs": 1.0,
        "seed": 0,
        "loss": "cross_entropy",
        "place": "all",
        "band": False,
        "fb": 1.0,
        "ub": 0.0,
        "tr": "chunked",
        "k": 5,
        "k1": 5,
        "k2": 10,
        "pi": 0.5,
        "nseeds": 20,
        "thr": 5.0,
        "vlim": 3.0,
        "lr": 0.05,
        "iters": 60,
        "w0": 8.0,
        "b0": -2.0,
        "dT": 3,
        "dH": 2,
        "dseed": 1,
        "dplace": "last",
        "notation": "standard",
        "step": 0,
        "task": "adding",
        "lag": 30,
        "rnn": True,
        "irnn": False,
        "lstm": True,
        "gru": False,
        "units": 32,
        "winit": "gaussian",
        "wrho": 1.0,
        "fbias": 1.0,
        "opt": "adam",
        "lrate": 0.01,
        "clip": 1.0,
        "batch": 32,
        "its": 400,
        "tseed": 0,
        "dcell": "rnn",
        "lyk": 4,
        "grid": 24,
        "cmp": False,
        "rho2": "same",
        "act2": "same",
        "cell2": "rnn",
    }
}

GOLDEN_CHOICES = {
    "1": {
        "lang": ("en", "ko"),
        "preset": (
            "",
            "vanishing_tanh",
            "exploding_linear",
            "edge_orthogonal",
            "sigmoid_quarter",
            "transient_gaussian",
            "irnn",
        ),
        "act": ("tanh", "relu", "leaky_relu", "sigmoid", "linear"),
        "init": ("gaussian", "orthogonal", "identity"),
        "loss": ("cross_entropy", "mse"),
        "place": ("all", "last"),
        "tr": ("chunked", "tbptt", "randomized"),
        "dplace": ("last", "all"),
        "notation": ("standard", "course"),
        "task": ("adding", "copy", "first_symbol"),
        "winit": ("gaussian", "orthogonal", "identity"),
        "opt": ("sgd", "adam"),
        "dcell": ("rnn", "lstm", "gru"),
        "act2": ("same", "tanh", "relu", "leaky_relu", "sigmoid", "linear"),
        "cell2": ("rnn", "lstm"),
    }
}


def current() -> dict[str, object]:
    return {key: default for cls in ALL_SETTINGS for _, key, _, default in specs(cls)}


def test_every_key_and_default_is_pinned_for_this_link_version():
    assert VERSION_KEY == "v"
    assert LINK_VERSION in GOLDEN, f"new LINK_VERSION {LINK_VERSION}: add its golden table"
    assert current() == GOLDEN[LINK_VERSION]


def test_every_choice_keeps_its_tokens():
    choices = {
        key: spec.options for cls in ALL_SETTINGS for _, key, spec, _ in specs(cls) if isinstance(spec, ChoiceField)
    }
    assert {k: set(v) for k, v in choices.items()} == {k: set(v) for k, v in GOLDEN_CHOICES[LINK_VERSION].items()}


def test_keys_are_unique_across_views():
    keys = [key for cls in ALL_SETTINGS for _, key, _, _ in specs(cls)]
    assert len(keys) == len(set(keys)) and VERSION_KEY not in keys
