#!/usr/bin/python3
"""ONNX fixtures for the importer's tests, exported by real PyTorch (torch.onnx.export).

  make_onnx_fixtures.py torchvision ARCH OPSET OUT.onnx [SIZE]
      torchvision's ARCH with random weights (fixed seed, randomised BatchNorm statistics),
      exported in eval mode with a dynamic batch dimension at SIZE x SIZE (default 224).

  make_onnx_fixtures.py fmnist-cnn STATE_DICT OUT.onnx [relu|silu] [OPSET] [keep-bn]
      QuantLens's fmnist-cnn state dict (e.g. resources/models/fmnist-cnn-swish.pth) loaded into
      its PyTorch twin (make_interop_fixtures.FmnistCnn) and exported (default opset 13); with
      keep-bn the BatchNormalization nodes stay in the graph (not folded by the exporter).

  make_onnx_fixtures.py mixed OPSET OUT.onnx
      A small network of every layer kind the importer turns into quantizable layers, with the
      BatchNormalization nodes kept (not folded by the exporter): strided, depthwise and
      rectangular convolutions, a grouped transposed convolution, PReLU, Hardswish, bilinear
      upsampling, a 1-D convolution, a linear layer on 3-D tokens (MatMul + Add), LayerNorm and
      a Gemm head. Input [N, 3, 32, 32], output [N, 12].

Exit status 3 when torch cannot be imported (run scripts/bootstrap).
"""
import importlib.util
import os
import sys

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as exc:  # noqa: BLE001 - any import failure means the same thing here
    print(f"cannot import torch with {sys.executable}: {exc}; run scripts/bootstrap", file=sys.stderr)
    sys.exit(3)


def randomise_batchnorms(model):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.normal_(0.0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.1)


def export(model, example, path, opset, keep_batchnorm=False):
    model.eval()
    kwargs = {}
    if keep_batchnorm:
        kwargs = {"training": torch.onnx.TrainingMode.PRESERVE, "do_constant_folding": False}
    torch.onnx.export(model, example, path, opset_version=opset, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "N"}, "output": {0: "N"}}, **kwargs)


def torchvision_model(arch, opset, path, size):
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, arch)()
    randomise_batchnorms(model)
    export(model, torch.randn(1, 3, size, size), path, opset)


def fmnist_model(state_dict, path, act, opset, keep_batchnorm=False):
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("interop", os.path.join(here, "make_interop_fixtures.py"))
    interop = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(interop)
    model = interop.FmnistCnn(act)
    model.load_state_dict(torch.load(state_dict), strict=True)
    export(model, torch.randn(1, 1, 28, 28), path, opset, keep_batchnorm=keep_batchnorm)


class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.prelu = nn.PReLU(8)
        self.depthwise = nn.Conv2d(8, 8, (3, 5), padding=(1, 2), groups=8)
        self.bn2 = nn.BatchNorm2d(8)
        self.up = nn.ConvTranspose2d(8, 6, 4, stride=2, padding=1, groups=2)
        self.bn3 = nn.BatchNorm2d(6)
        self.line = nn.Conv1d(6, 4, 3, padding=1)
        self.tokens = nn.Linear(4, 7)
        self.norm = nn.LayerNorm(7)
        self.head = nn.Linear(4, 5)

    def forward(self, x):
        x = self.prelu(self.bn1(self.stem(x)))  # [N, 8, 16, 16]
        x = F.hardswish(self.bn2(self.depthwise(x)))
        x = F.relu(self.bn3(self.up(x)))  # [N, 6, 32, 32]
        x = F.interpolate(x, scale_factor=0.5, mode="bilinear", align_corners=False)  # [N, 6, 16, 16]
        x = F.max_pool2d(x, 2)  # [N, 6, 8, 8]
        line = self.line(x.flatten(2))  # [N, 4, 64]
        tokens = self.norm(self.tokens(line.transpose(1, 2)))  # [N, 64, 7]
        pooled = line.mean(2)  # [N, 4]
        return torch.cat([self.head(pooled), tokens.mean(1)], 1)  # [N, 12]


def mixed_model(opset, path):
    torch.manual_seed(3)
    model = Mixed()
    randomise_batchnorms(model)
    export(model, torch.randn(1, 3, 32, 32), path, opset, keep_batchnorm=True)


def main(argv):
    if len(argv) >= 5 and argv[1] == "torchvision":
        torchvision_model(argv[2], int(argv[3]), argv[4], int(argv[5]) if len(argv) > 5 else 224)
    elif len(argv) >= 4 and argv[1] == "fmnist-cnn":
        fmnist_model(argv[2], argv[3], argv[4] if len(argv) > 4 else "relu", int(argv[5]) if len(argv) > 5 else 13,
                     len(argv) > 6 and argv[6] == "keep-bn")
    elif len(argv) >= 4 and argv[1] == "mixed":
        mixed_model(int(argv[2]), argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
