"""Paper Table 5: ResNet-50 A/B/C/D have ~25 M parameters and FLOPs in the order 3.8 < 4.1 < 4.3 = 4.3 G."""
import pytest
import torch.nn as nn

from tricks_mm.models.backbones.resnet import TricksResNet
from tricks_mm.utils.complexity import count_complexity

PAPER_GFLOPS = {'A': 3.8, 'B': 4.1, 'C': 4.3, 'D': 4.3}


class _Classifier(nn.Module):
    def __init__(self, variant):
        super().__init__()
        self.backbone = TricksResNet(depth=50, variant=variant)
        self.fc = nn.Linear(2048, 1000)

    def forward(self, x):
        return self.fc(self.backbone(x)[-1].mean((2, 3)))


@pytest.fixture(scope='module')
def table():
    return {v: count_complexity(_Classifier(v), (3, 224, 224)) for v in 'ABCD'}


def test_params_about_25m(table):
    for variant, (_, params) in table.items():
        assert 25.0e6 < params < 26.1e6, (variant, params)


def test_flops_keep_table5_order_and_ratios(table):
    g = {v: f / 1e9 for v, (f, _) in table.items()}
    assert g['A'] < g['B'] < g['C'] <= g['D']
    assert g['D'] / g['C'] < 1.01  # the avg-pool shortcut is almost free
    for v in 'BCD':  # ratios to ResNet-50 within 3 % of the paper's
        ours, paper = g[v] / g['A'], PAPER_GFLOPS[v] / PAPER_GFLOPS['A']
        assert abs(ours / paper - 1) < 0.03, (v, ours, paper)
    assert abs(g['A'] - 3.8) < 0.25 and abs(g['D'] - 4.3) < 0.25
