"""Training lab: train RNN, IRNN, LSTM and GRU live on a long-dependency task and watch them race."""

from explorer.shared.view import View
from explorer.training.settings import LabModel, LabOptim, LabTask

VIEW = View("training", "🏋️", settings=(LabTask, LabModel, LabOptim))
