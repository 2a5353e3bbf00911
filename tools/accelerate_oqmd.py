"""Train the OQMD periodic-table network through Hugging Face Accelerate: several GPUs, mixed precision.

The network of ``skmat.load_pretrained("oqmd")`` (same encoder, same
architecture), trained on the multi-task OQMD training formulas
(:func:`skmat.datasets.load_oqmd_multitask`) with
:class:`~skmat.models.AcceleratedPTRCNNRegressor`. ``accelerate launch``
decides the processes, GPUs and precision; each process takes its share of
every batch (``--batch-size`` is per process) and the gradients are
averaged. The main process then writes the fitted Pipeline with
:func:`skmat.save_pipeline` (a plain ``PTRCNNRegressor`` inside, read with
``skmat.load_pipeline`` anywhere, no Accelerate needed) and prints its test
MAE on each task's CrabNet test split (``--n-test`` rows of each).

``--start pretrained`` starts from the shipped network (every layer but the
output layer, as ``PTRCNNRegressor.from_regressor``); ``--start scratch``
from random weights.

Run::

    accelerate launch --multi_gpu --num_processes 4 --mixed_precision bf16 \\
        tools/accelerate_oqmd.py --epochs 70 --out oqmd-4gpu.skmat
    accelerate launch --mixed_precision bf16 tools/accelerate_oqmd.py --start pretrained --epochs 10
    python tools/accelerate_oqmd.py --cpu --mixed-precision bf16 --n-train 2000 --epochs 1 --out /tmp/check.skmat
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python tools/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import os
import time
from pathlib import Path

from tools.pretrain import evaluate  # test MAE on each task's CrabNet test split


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", choices=["scratch", "pretrained"], default="scratch")
    parser.add_argument("--epochs", type=int, default=70)
    parser.add_argument("--batch-size", type=int, default=256, help="per process")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--n-train", type=int, default=None, help="the first N training formulas (default: all)")
    parser.add_argument("--n-test", type=int, default=None, help="test formulas scored per task (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("oqmd-accelerate.skmat"))
    parser.add_argument("--cpu", action="store_true", help="train on the CPU (Accelerator(cpu=True))")
    parser.add_argument("--mixed-precision", choices=["no", "bf16", "fp16"], default=None,
                        help="without accelerate launch; under it, its --mixed_precision decides")
    parser.add_argument("--store-port", type=int, default=None,
                        help="TCP port of the store that merges the processes' training histories "
                             "(default: the launcher's MASTER_PORT + 1)")
    return parser.parse_args(argv)


def distributed_history(accelerator, port):
    """skorch's DistributedHistory when several processes train, else None (the usual History)."""
    if accelerator.num_processes == 1:
        return None
    from skorch.history import DistributedHistory
    from torch.distributed import TCPStore

    host = os.environ.get("MASTER_ADDR", "127.0.0.1")
    port = port if port is not None else int(os.environ.get("MASTER_PORT", "29500")) + 1
    store = TCPStore(host, port=port, world_size=accelerator.num_processes, is_master=accelerator.is_main_process)
    return DistributedHistory(store=store, rank=accelerator.process_index, world_size=accelerator.num_processes)


def model(args, accelerator):
    """Encoder + accelerated network, with the shipped network's encoder and architecture."""
    from sklearn.base import clone
    from sklearn.pipeline import Pipeline

    from skmat import load_pretrained
    from skmat.models import AcceleratedPTRCNNRegressor

    shipped = load_pretrained("oqmd")
    # The precision is the accelerator's, not the network's own bfloat16 autocast.
    params = dict(accelerator=accelerator, max_epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                  random_state=args.seed, verbose=1, module__mixed_precision=False)
    history = distributed_history(accelerator, args.store_port)
    if history is not None:
        params["history"] = history
    if args.start == "pretrained":
        network = AcceleratedPTRCNNRegressor.from_regressor(shipped, **params)
    else:
        architecture = {f"module__{key}": value for key, value in shipped[-1].module_.hparams.items()
                        if key not in ("in_shape", "n_outputs", "mixed_precision")}
        network = AcceleratedPTRCNNRegressor(**architecture, **params)
    return Pipeline([("encode", clone(shipped[0])), ("model", network)])


def main(argv=None):
    args = parse_args(argv)
    from accelerate import Accelerator

    from skmat import load_pipeline, save_pipeline
    from skmat.datasets import load_oqmd_multitask

    options = {"cpu": True} if args.cpu else {}
    if args.mixed_precision is not None:
        options["mixed_precision"] = args.mixed_precision
    accelerator = Accelerator(**options)
    train = load_oqmd_multitask("train", outliers="drop")
    X, y = train.data[: args.n_train], train.target[: args.n_train]
    pipeline = model(args, accelerator)
    accelerator.print(f"{len(X)} formulas, {accelerator.num_processes} process(es) on {accelerator.device}, "
                      f"mixed precision {accelerator.mixed_precision}, {args.batch_size} per process and batch")
    start = time.perf_counter()
    pipeline.fit(X, y)
    seconds = time.perf_counter() - start
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        save_pipeline(pipeline, args.out)
        plain = load_pipeline(args.out)  # what a user reads: a PTRCNNRegressor, no Accelerate
        print(f"trained in {seconds:.0f} s; wrote {args.out} ({type(plain[-1]).__name__}); "
              f"test MAE {evaluate(plain, args.n_test)}", flush=True)


if __name__ == "__main__":
    main()
