#!/usr/bin/env python3
"""Writes worker/src/main/resources/io/featurex/worker/infer/to_bfloat16.pt: a TorchScript module
whose forward is `x.to(torch.bfloat16)`, nothing else (no parameters, any device, strides kept).

Why a file: DJL 0.33's JNI maps no data type to bfloat16 (`NDArray.toType(BFLOAT16)` aborts the
JVM), so featurex cannot create a bfloat16 tensor by itself; a TorchScript module can, and every
libtorch op DJL calls afterwards (convolution, ReLU, pooling, casting back to float32) accepts
bfloat16 tensors. Run with Debian's python3-torch (1.13; its TorchScript loads in libtorch 2.5):
    /usr/bin/python3 tools/bf16/make_to_bfloat16.py
"""
from pathlib import Path

import torch


class ToBFloat16(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.bfloat16)


out = (Path(__file__).resolve().parents[2]
       / "worker/src/main/resources/io/featurex/worker/infer/to_bfloat16.pt")
out.parent.mkdir(parents=True, exist_ok=True)
torch.jit.script(ToBFloat16()).save(str(out))
print(out, out.stat().st_size, "bytes")
