#!/usr/bin/python3
"""Interop fixtures for the model-loading tests, written with real PyTorch.

  make_interop_fixtures.py torchvision ARCH OUTDIR
      Builds torchvision's ARCH (fixed seed, randomised BatchNorm statistics, eval
      mode) and writes, exactly as users do:
        ARCH_state_dict.pth   torch.save(model.state_dict(), path)
        ARCH_scripted.pt      torch.jit.script(model).save(path)
        ARCH_whole_model.pth  torch.save(model, path)  (a pickled object QuantLens must refuse)
        ARCH_input.bin / ARCH_logits.bin  float32 little-endian, shapes in ARCH_meta.json

  make_interop_fixtures.py fmnist-cnn STATE_DICT OUTDIR [relu|silu]
      Loads a state dict written by QuantLens with torch.load into a PyTorch
      definition of fmnist-cnn (strict), runs a fixed input and writes
      fmnist_input.bin / fmnist_logits.bin / fmnist_meta.json.

Exit status 3 when torch cannot be imported (run scripts/bootstrap).
"""
import json
import os
import sys

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as exc:  # noqa: BLE001 - any import failure means the same thing here
    print(f"cannot import torch with {sys.executable}: {exc}; run scripts/bootstrap", file=sys.stderr)
    sys.exit(3)


def write_pair(out_dir, prefix, x, logits):
    x.contiguous().numpy().astype("<f4").tofile(os.path.join(out_dir, f"{prefix}_input.bin"))
    logits.contiguous().numpy().astype("<f4").tofile(os.path.join(out_dir, f"{prefix}_logits.bin"))
    with open(os.path.join(out_dir, f"{prefix}_meta.json"), "w") as f:
        json.dump({"input_shape": list(x.shape), "logits_shape": list(logits.shape)}, f)


def torchvision_fixtures(arch, out_dir):
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, arch)()
    # Non-trivial BatchNorm statistics, so that a buffer that fails to load shows in the logits.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0.0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.1)
                m.num_batches_tracked.fill_(7)
    model.eval()
    torch.save(model.state_dict(), os.path.join(out_dir, f"{arch}_state_dict.pth"))
    torch.jit.script(model).save(os.path.join(out_dir, f"{arch}_scripted.pt"))
    torch.save(model, os.path.join(out_dir, f"{arch}_whole_model.pth"))
    torch.manual_seed(1)
    x = torch.randn(2, 3, 96, 96)
    with torch.no_grad():
        logits = model(x)
    write_pair(out_dir, arch, x, logits)


class FmnistCnn(nn.Module):
    """The PyTorch twin of QuantLens' fmnist-cnn (core/models/zoo.cpp)."""

    def __init__(self, act, in_channels=1, num_classes=10):
        super().__init__()
        widths = [32, 32, 64, 64]
        c = in_channels
        for i, w in enumerate(widths, start=1):
            setattr(self, f"conv{i}", nn.Conv2d(c, w, 3, padding=1, bias=False))
            setattr(self, f"bn{i}", nn.BatchNorm2d(w))
            c = w
        self.fc = nn.Linear(64 * 7 * 7, num_classes)
        self.act = F.silu if act == "silu" else F.relu

    def forward(self, x):
        for i in range(1, 5):
            x = self.act(getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(x)))
            if i in (2, 4):
                x = F.max_pool2d(x, 2)
        return self.fc(x.flatten(1))


def fmnist_check(state_dict_path, out_dir, act):
    state = torch.load(state_dict_path)
    model = FmnistCnn(act)
    model.load_state_dict(state, strict=True)
    model.eval()
    torch.manual_seed(2)
    x = torch.randn(4, 1, 28, 28)
    with torch.no_grad():
        logits = model(x)
    write_pair(out_dir, "fmnist", x, logits)


def main(argv):
    if len(argv) >= 4 and argv[1] == "torchvision":
        torchvision_fixtures(argv[2], argv[3])
    elif len(argv) >= 4 and argv[1] == "fmnist-cnn":
        fmnist_check(argv[2], argv[3], argv[4] if len(argv) > 4 else "relu")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
