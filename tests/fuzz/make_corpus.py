#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets into corpus/<target>/ (run with Debian's
/usr/bin/python3, which has torch). The files are small on purpose: mutations of small inputs
are fast. The hostile regression files (tests/data/hostile) are added as seeds by CMakeLists.txt."""
import collections
import gzip
import io
import json
import os
import struct
import sys
import zipfile

import torch

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "corpus")


def out(target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def saved(obj):
    b = io.BytesIO()
    torch.save(obj, b)
    return b.getvalue()


torch.manual_seed(0)

# state_dict: whole files as torch.save writes them.
small = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Linear(4, 3))
out("state_dict", "sequential.pth", saved(small.state_dict()))
out("state_dict", "dtypes.pth", saved(collections.OrderedDict(
    h=torch.ones(3, dtype=torch.half), bf=torch.ones(2, dtype=torch.bfloat16), l=torch.arange(4),
    i8=torch.tensor([-1, 2], dtype=torch.int8), b=torch.tensor([True, False]), d=torch.zeros(2, dtype=torch.double))))
base = torch.arange(12.0)
out("state_dict", "views.pth", saved({"whole": base, "window": base[2:8].view(2, 3), "strided": base[::3],
                                      "empty": torch.empty(0, 4), "scalar": torch.tensor(3.5)}))
out("state_dict", "checkpoint.pth", saved({"state_dict": small.state_dict(), "epoch": 3}))

# pickle: data.pkl only, for the archive the target builds around it: storage "0" 16 floats,
# "1" 4 int64, "2" 8 uint8, "3" 4 bools (in the order torch.save numbers them).
def pickle_of(obj):
    with zipfile.ZipFile(io.BytesIO(saved(obj))) as z:
        return z.read([n for n in z.namelist() if n.endswith("data.pkl")][0])

f16, l4, u8, b4 = torch.zeros(16), torch.zeros(4, dtype=torch.long), torch.zeros(8, dtype=torch.uint8), \
    torch.zeros(4, dtype=torch.bool)
out("pickle", "four.pkl", pickle_of(collections.OrderedDict(a=f16, b=l4, c=u8, d=b4)))
out("pickle", "views.pkl", pickle_of(collections.OrderedDict(a=f16[2:14].view(3, 4), t=f16.view(4, 4).t(), b=l4,
                                                             c=u8[1:5], d=b4)))
out("pickle", "parameters.pkl", pickle_of(collections.OrderedDict(w=torch.nn.Parameter(f16.view(4, 4)))))
withmeta = collections.OrderedDict(a=f16)
withmeta._metadata = collections.OrderedDict({"": {"version": 1}})
out("pickle", "metadata.pkl", pickle_of(withmeta))
out("pickle", "nested.pkl", pickle_of({"model": collections.OrderedDict(a=f16), "epoch": 1, "lr": 0.5,
                                       "name": "x", "list": [1, 2, (3, None)]}))

# zip: archives of stored entries, plain and with ZIP64 records, and a torch.save file.
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z:
    z.writestr("archive/data.pkl", b"\x80\x02}.")
    z.writestr("archive/version", b"3\n")
    z.comment = b"a comment"
out("zip", "stored.zip", b.getvalue())
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z:
    with z.open("archive/data/0", "w", force_zip64=True) as f:
        f.write(bytes(range(100)))
out("zip", "zip64.zip", b.getvalue())
out("zip", "sequential.pth", saved(small.state_dict()))

# idx: plain and gzip, images and labels, one gzip of two members, a small inflation bomb.
def idx(dims, payload):
    return struct.pack(">BBBB", 0, 0, 8, len(dims)) + b"".join(struct.pack(">I", d) for d in dims) + payload

images = idx([3, 4, 4], bytes(range(48)))
out("idx", "images.idx", images)
out("idx", "labels.idx", idx([3], b"\x00\x01\x02"))
out("idx", "images.idx.gz", gzip.compress(images, mtime=0))
out("idx", "members.idx.gz", gzip.compress(images[:20], mtime=0) + gzip.compress(images[20:], mtime=0))
out("idx", "bomb.idx.gz", gzip.compress(idx([2, 2, 2], bytes(200000)), mtime=0))

# cifar: first byte even = CIFAR-10 records, odd = CIFAR-100 records.
out("cifar", "cifar10.bin", b"\x00" + (b"\x03" + bytes(3072)) + (b"\x09" + bytes(range(256)) * 12))
out("cifar", "cifar100.bin", b"\x01" + (b"\x02\x63" + bytes(3072)))

# model_json, config_json, session_json: as QuantLens writes them.
meta = {"format": "quantlens-model", "version": 1, "arch": "fmnist-cnn", "activation": "silu", "in_channels": 1,
        "num_classes": 10, "dataset": "fashion-mnist", "top1": 0.9174, "command": "quantlens-cli train"}
out("model_json", "model.pth.json", json.dumps(meta, indent=2).encode())
out("model_json", "minimal.pth.json", b'{"arch": "resnet20"}')
out("config_json", "readme.json", json.dumps({"layers": {
    "conv1": {"weight": {"bits": 8}, "act": {"bits": 8}},
    "conv*": {"act": {"method": "lsq+", "lsqPlusConfig": 4}},
    "conv3": {"weight": {"method": "post", "bits": 3}, "act": {"method": "asq"}},
    "fc": {"enabled": False}}}, indent=2).encode())
out("config_json", "percentile.json", b'{"layers": {"conv2": {"act": {"method": "percentile", "percentile": 99.9}}}}')
spec = {"method": "lsq", "bits": 4, "signed": True, "narrow": False, "perChannel": True, "gradScale": "per-channel",
        "lsqPlusConfig": 2, "init": "default", "potVariant": "paper", "percentile": 99.99, "multipointBudget": 0.5}
act = dict(spec, signed=False, perChannel=False, gradScale="per-tensor", lsqPlusConfig=4)
session = {"format": "quantlens-session", "version": 2, "model": meta, "dataset": "fashion-mnist",
           "weights": "s.qls.0123456789abcdef.weights", "weights_sha256": "0" * 64,
           "layers": [{"name": n, "weight": spec, "act": act, "enabled": True}
                      for n in ["conv1", "conv2", "conv3", "conv4", "fc"]],
           "results": {"quantized": {"top1": 0.9, "count": 256}}}
out("session_json", "session.qls", json.dumps(session, indent=2).encode())
old = dict(session, version=1, weights="s.qls.93143.weights")
del old["weights_sha256"]
out("session_json", "version1.qls", json.dumps(old).encode())

# onnx: small graphs of the operators the importer runs, at old and new opsets.
from onnx import TensorProto, helper, numpy_helper  # noqa: E402


def onnx_model(name, opset, nodes, inits, in_shape, out_shape):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, in_shape)],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, out_shape)],
                              [numpy_helper.from_array(v.numpy(), k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="quantlens-fuzz")
    model.ir_version = 7 if opset < 15 else 8
    out("onnx", name + ".onnx", model.SerializeToString())


f32 = torch.float32
onnx_model("conv_bn_relu_gemm", 13, [
    helper.make_node("Conv", ["input", "w1", "b1"], ["c1"], "conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    helper.make_node("BatchNormalization", ["c1", "g", "beta", "mean", "var"], ["n1"], "bn1"),
    helper.make_node("Relu", ["n1"], ["r1"], "relu1"),
    helper.make_node("MaxPool", ["r1"], ["p1"], "pool1", kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Flatten", ["p1"], ["f"], "flatten"),
    helper.make_node("Gemm", ["f", "w2", "b2"], ["output"], "fc", transB=1)],
    {"w1": torch.randn(2, 1, 3, 3), "b1": torch.randn(2), "g": torch.rand(2) + 0.5, "beta": torch.randn(2),
     "mean": torch.randn(2), "var": torch.rand(2) + 0.5, "w2": torch.randn(3, 32), "b2": torch.randn(3)},
    ["N", 1, 8, 8], ["N", 3])
onnx_model("opset9_clip_upsample", 9, [
    helper.make_node("Conv", ["input", "w1"], ["c1"], "dw", kernel_shape=[3, 3], group=2, pads=[1, 1, 1, 1]),
    helper.make_node("Clip", ["c1"], ["k1"], "relu6", min=0.0, max=6.0),
    helper.make_node("Upsample", ["k1", "scales"], ["u1"], "up", mode="nearest"),
    helper.make_node("GlobalAveragePool", ["u1"], ["g1"], "gap"),
    helper.make_node("Squeeze", ["g1"], ["s1"], "squeeze", axes=[2, 3]),
    helper.make_node("MatMul", ["s1", "w2"], ["m1"], "head"),
    helper.make_node("Unsqueeze", ["m1"], ["u2"], "unsq", axes=[2]),
    helper.make_node("Reshape", ["u2", "shape"], ["output"], "reshape")],
    {"w1": torch.randn(2, 1, 3, 3), "scales": torch.tensor([1.0, 1.0, 2.0, 2.0]), "w2": torch.randn(2, 4),
     "shape": torch.tensor([-1, 4])}, [1, 2, 4, 4], [1, 4])
onnx_model("opset17_shape_resize_split", 17, [
    helper.make_node("Conv", ["input", "w1"], ["c1"], "conv", kernel_shape=[1, 1], auto_pad="SAME_UPPER"),
    helper.make_node("HardSwish", ["c1"], ["h1"], "hswish"),
    helper.make_node("Resize", ["h1", "", "scales"], ["r1"], "resize", mode="linear"),
    helper.make_node("Split", ["r1", "split"], ["a", "b"], "split", axis=1),
    helper.make_node("Concat", ["b", "a"], ["cat"], "concat", axis=1),
    helper.make_node("Shape", ["cat"], ["shp"], "shape"),
    helper.make_node("Gather", ["shp", "zero"], ["n"], "gather", axis=0),
    helper.make_node("Unsqueeze", ["n", "zero1"], ["n1"], "unsq"),
    helper.make_node("Concat", ["n1", "minus1"], ["newshape"], "concat2", axis=0),
    helper.make_node("Reshape", ["cat", "newshape"], ["flat"], "reshape"),
    helper.make_node("LayerNormalization", ["flat", "ln_g", "ln_b"], ["ln"], "ln", axis=-1),
    helper.make_node("Gemm", ["ln", "w2"], ["logits"], "fc"),
    helper.make_node("Softmax", ["logits"], ["output"], "softmax", axis=1)],
    {"w1": torch.randn(4, 3, 1, 1), "scales": torch.tensor([1.0, 1.0, 2.0, 2.0]), "split": torch.tensor([1, 3]),
     "zero": torch.tensor(0), "zero1": torch.tensor([0]), "minus1": torch.tensor([-1]),
     "ln_g": torch.ones(64), "ln_b": torch.zeros(64), "w2": torch.randn(64, 5)}, ["N", 3, 2, 2], ["N", 5])
ext = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[2, 1, 1, 1])
ext.data_location = TensorProto.EXTERNAL
for k, v in {"location": "weights.bin", "offset": "0", "length": "8"}.items():
    e = ext.external_data.add()
    e.key, e.value = k, v
graph = helper.make_graph([helper.make_node("Conv", ["input", "w"], ["output"], "conv", kernel_shape=[1, 1])],
                          "external", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 2, 2])],
                          [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 2, 2, 2])], [ext])
out("onnx", "external_data.onnx", helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)]).SerializeToString())
# A finding: an operator newer than libonnx's schemas (Gelu, opset 20) without inputs.
graph = helper.make_graph([helper.make_node("Gelu", [], ["output"], "gelu")], "gelu_without_input",
                          [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 2, 2])],
                          [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 1, 2, 2])])
out("onnx", "gelu-without-input-finding.onnx",
    helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)]).SerializeToString())
