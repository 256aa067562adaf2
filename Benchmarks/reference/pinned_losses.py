"""Per-epoch training losses of the authors' ELSA on a pinned fixture, for step-by-step comparison.

The fixture (written by the Swift test suite) pins everything random: the Xavier matrix, the
interactions and the order in which each epoch visits the users. Training uses the authors' own
model class (CompressedSparseKerasELSA, imported from their repository) with Keras 3 Nadam on the
torch backend, all items as outputs and no negative sampling. Four variants are trained:

  plain         model from init, fresh Nadam, E epochs over the pinned orders
  plain_prefit  as plain, plus one extra step on epoch 1's first batch before the epochs
  warm          a throwaway model takes one step on epoch 1's first batch, writing into init
                through shared memory (as the authors' script does); then as plain from that init
  warm_prefit   warm plus the extra step of plain_prefit: the authors' script's procedure

Prints JSON: the mean of the batch losses of every epoch for every variant (each batch loss is the
value the training step computes before it updates the weights), and the first rows of the
warm-started init.

Run with the environment of README.md:
    KERAS_BACKEND=torch /work/refenv/bin/python pinned_losses.py FIXTURE_DIR
"""

import argparse
import contextlib
import json
import os
import sys

os.environ["KERAS_BACKEND"] = "torch"

import numpy as np
import scipy.sparse
import torch

VARIANTS = ("plain", "plain_prefit", "warm", "warm_prefit")


# MARK: - Fixture


def read_fixture(folder):
    """Returns (config, interactions: users x items CSR float32, init: items x d float32, orders)."""
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    users, items, dimension = config["users"], config["items"], config["dimension"]

    with open(os.path.join(folder, "interactions.txt")) as f:
        rows = [[int(t) for t in line.split()] for line in f.read().splitlines()]
    if len(rows) != users:
        sys.exit(f"interactions.txt has {len(rows)} lines, config.json says {users} users")
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.array([i for r in rows for i in r], dtype=np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= items):
        sys.exit(f"interactions.txt has an item index outside 0..<{items}")
    interactions = scipy.sparse.csr_matrix(
        (np.ones(indices.size, dtype=np.float32), indices, indptr), shape=(users, items)
    )
    interactions.sum_duplicates()
    interactions.data[:] = 1.0

    init = np.loadtxt(os.path.join(folder, "init.txt"), dtype=np.float64, ndmin=2).astype(np.float32)
    if init.shape != (items, dimension):
        sys.exit(f"init.txt is {init.shape[0]} x {init.shape[1]}, config.json says {items} x {dimension}")

    with open(os.path.join(folder, "orders.txt")) as f:
        orders = [np.array(line.split(), dtype=np.int64) for line in f.read().splitlines() if line.strip()]
    if len(orders) != config["epochs"]:
        sys.exit(f"orders.txt has {len(orders)} lines, config.json says {config['epochs']} epochs")
    for e, order in enumerate(orders):
        if not np.array_equal(np.sort(order), np.arange(users)):
            sys.exit(f"orders.txt line {e + 1} is not a permutation of 0..<{users}")
    return config, interactions, init, orders


def batches(order, batch_size):
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def batch_tuple(interactions, users):
    """The batch in the layout CompressedSparseKerasELSA.train_step unpacks when len(data) == 2:
    ((x, y_rest), (slicer, output_slicer)). The step sets y = hstack(x, y_rest) and trains
    x Â[slicer] Â[output_slicer]ᵀ against y. Here slicer = S, the sorted items occurring in the
    batch, and output_slicer = S followed by every other item in increasing order, each once: the
    outputs are all items and y is the batch's full rows over them (y_rest is all zeros)."""
    rows = interactions[users]
    occurring = np.flatnonzero(rows.getnnz(axis=0) > 0)
    others = np.setdiff1d(np.arange(interactions.shape[1]), occurring)
    x = torch.from_numpy(rows[:, occurring].toarray().astype(np.float32))
    y_rest = torch.from_numpy(rows[:, others].toarray().astype(np.float32))
    output = np.concatenate([occurring, others])
    return (x, y_rest), (torch.from_numpy(occurring).long(), torch.from_numpy(output).long())


def nmse_by_hand(weights, interactions, users, data):
    """The batch loss recomputed in float64 with numpy from the interaction rows themselves, to check
    both the step's reported value and that the tuple trains on the batch's full rows over all items."""
    _, (slicer, output) = data
    slicer, output = slicer.numpy(), output.numpy()
    if not np.array_equal(np.sort(output), np.arange(interactions.shape[1])):
        sys.exit("the output columns of a batch are not every item exactly once")
    rows = interactions[users].toarray().astype(np.float64)
    x, y = rows[:, slicer], rows[:, output]
    if x.sum() != rows.sum():
        sys.exit("the input columns of a batch miss some of its interactions")
    a = weights.astype(np.float64)
    a_hat = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    p = np.clip(x @ a_hat[slicer] @ a_hat[output].T - y, 0.0, 6.0)
    p_hat = p / np.maximum(np.linalg.norm(p, axis=1, keepdims=True), 1e-12)
    y_hat = y / np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-12)
    return float(np.mean(np.mean((p_hat - y_hat) ** 2, axis=1)))


# MARK: - Training with the reference classes


class Reference:
    def __init__(self, path):
        sys.path.insert(0, os.path.abspath(path))
        import keras
        from recommenders.elsa_models import NMSE, CompressedSparseKerasELSA

        self.keras, self.NMSE, self.Model = keras, NMSE, CompressedSparseKerasELSA

    def model(self, embeddings, learning_rate):
        """A model whose weights share memory with `embeddings`, compiled as the script compiles it."""
        items, dimension = embeddings.shape
        with contextlib.redirect_stdout(sys.stderr):  # the layer prints a line; keep stdout for the JSON
            model = self.Model(items, dimension, np.arange(items), device=torch.device("cpu"), embs=embeddings)
        model.compile(
            optimizer=self.keras.optimizers.Nadam(learning_rate=learning_rate),
            loss=self.NMSE,
            metrics=[self.keras.metrics.CosineSimilarity()],
        )
        return model


class Trainer:
    def __init__(self, reference, interactions, config, check_every_step):
        self.reference, self.interactions = reference, interactions
        self.learning_rate, self.batch_size = config["learningRate"], config["batchSize"]
        self.check_every_step = check_every_step
        self.largest_check_error = 0.0

    def step(self, model, users, check=False):
        """One train_step; returns the batch loss it computed before updating the weights."""
        data = batch_tuple(self.interactions, users)
        before = model.ELSA._A.detach().numpy().copy() if check or self.check_every_step else None
        model.reset_metrics()  # the "loss" metric is a running mean; reset it to read this batch alone
        logs = model.train_step(data)
        loss = float(np.float32(logs["loss"].item() if torch.is_tensor(logs["loss"]) else logs["loss"]))
        if before is not None:
            expected = nmse_by_hand(before, self.interactions, users, data)
            error = abs(loss - expected) / max(abs(expected), 1e-30)
            self.largest_check_error = max(self.largest_check_error, error)
            if error > 1e-4:
                sys.exit(f"train_step reported loss {loss!r}, NMSE by hand is {expected!r}")
        return loss

    def epochs(self, model, orders):
        """Returns the per-batch losses of every epoch."""
        return [[self.step(model, users) for users in batches(order, self.batch_size)] for order in orders]

    def run(self, init, orders, warm, prefit):
        """Trains one variant from a copy of init; returns (per-batch losses per epoch, start matrix)."""
        first_batch = batches(orders[0], self.batch_size)[0]
        start = init.copy()
        if warm:
            throwaway = self.reference.model(start, self.learning_rate)
            self.step(throwaway, first_batch, check=True)  # writes into `start` through shared memory
            del throwaway
        warm_start = start.copy()
        model = self.reference.model(start, self.learning_rate)
        if prefit:
            self.step(model, first_batch, check=True)
        return self.epochs(model, orders), warm_start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fixture", help="folder with config.json, interactions.txt, init.txt, orders.txt")
    parser.add_argument("--reference-path", default="/work/ref/compressed_elsa", help="checkout of zombak79/compressed_elsa")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--per-batch", action="store_true", help="also print every batch loss (keys <variant>_batches)")
    parser.add_argument("--check-every-step", action="store_true", help="recompute every batch loss by hand (slow)")
    parser.add_argument("--save-warm-init", metavar="FILE.npy", help="save the whole warm-started init matrix")
    parser.add_argument("--output", metavar="FILE.json", help="also write the JSON here")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    config, interactions, init, orders = read_fixture(args.fixture)
    trainer = Trainer(Reference(args.reference_path), interactions, config, args.check_every_step)

    result, per_batch = {}, {}
    for variant in VARIANTS:
        losses, warm_start = trainer.run(init, orders, warm=variant.startswith("warm"), prefit=variant.endswith("prefit"))
        result[variant] = [float(np.mean(epoch, dtype=np.float64)) for epoch in losses]
        per_batch[variant + "_batches"] = losses
        if variant == "warm":
            result["warm_init_first_rows"] = [[float(v) for v in row] for row in warm_start[:3]]
            if args.save_warm_init:
                np.save(args.save_warm_init, warm_start)
    if args.per_batch:
        result.update(per_batch)
    result["largest_relative_error_of_hand_checked_losses"] = trainer.largest_check_error

    text = json.dumps(result, indent=1)
    print(text)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
