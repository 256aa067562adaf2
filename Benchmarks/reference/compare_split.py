"""Trains the authors' ELSA on a split written by the engine and evaluates item matrices on its test folds.

The split folder is the one `elsa train ... --write-split DIR` writes:
  items.tsv   item ids in the engine's column order (the row order of exported item matrices)
  train.tsv   user<TAB>item, one line per training interaction
  test.tsv    user<TAB>fold<TAB>item<TAB>role, role `input` or `target`

Training uses the authors' classes (CompressedSparseKerasELSA, SparseRecSysDatasetWithNegatives,
imported from their repository) with Keras 3 Nadam on the torch backend, dense (no pruning) and no
output sampling (max_output=None, which still draws max(1, n - |S|) negatives with replacement):
  --procedure plain   Xavier init, model from init, fresh Nadam, fit E epochs
  --procedure script  the authors' experiment script with --model_strategy super_sparse --vals 0
                      --decay_strategy None --lth True: one step on the first batch of a throwaway
                      model writes into init through shared memory; then a model from that init, a
                      fresh Nadam, one step on the first batch of a new loader, fit E epochs

Evaluation, for the trained matrix and for every --evaluate FILE.npy: rows are L2-normalized,
scores = x Â Âᵀ with input items excluded, and per (user, fold) with at least one input and one
target item, Recall@K = hits in top K / min(K, |target|) for K = 20, 50 and NDCG@100 with
1/log2(rank + 1) gains over the ideal DCG of min(100, |target|) hits; averages are printed as JSON
together with the per-epoch training losses that fit reports.

Run with the environment of README.md, for example:
    KERAS_BACKEND=torch /work/refenv/bin/python compare_split.py SPLIT_DIR --procedure script \\
        --save reference.npy --evaluate engine.npy --item-ids engine-items.tsv
    KERAS_BACKEND=torch /work/refenv/bin/python compare_split.py SPLIT_DIR --no-train --evaluate A.npy
"""

import argparse
import contextlib
import json
import os
import sys
import time

os.environ["KERAS_BACKEND"] = "torch"

import numpy as np
import scipy.sparse
import torch


# MARK: - Split


class Split:
    def __init__(self, folder):
        with open(os.path.join(folder, "items.tsv")) as f:
            self.item_ids = [line.rstrip("\n") for line in f if line.rstrip("\n")]
        self.column = {item: j for j, item in enumerate(self.item_ids)}
        if len(self.column) != len(self.item_ids):
            sys.exit("items.tsv repeats an item id")
        self.train = self._read_train(os.path.join(folder, "train.tsv"))
        self.inputs, self.targets = self._read_test(os.path.join(folder, "test.tsv"))

    @property
    def items(self):
        return len(self.item_ids)

    def _columns(self, path, number, item):
        if item not in self.column:
            sys.exit(f"{path}:{number}: item {item!r} is not in items.tsv")
        return self.column[item]

    def _read_train(self, path):
        """users x items CSR float32; users in order of first appearance."""
        row_of, rows, cols = {}, [], []
        with open(path) as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                user, item = line.rstrip("\n").split("\t")
                rows.append(row_of.setdefault(user, len(row_of)))
                cols.append(self._columns(path, number, item))
        matrix = scipy.sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(row_of), self.items)
        )
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return matrix

    def _read_test(self, path):
        """Two (user, fold) x items CSR matrices, inputs and targets, rows in order of first appearance."""
        pair_of, entries = {}, {"input": ([], []), "target": ([], [])}
        with open(path) as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                user, fold, item, role = line.rstrip("\n").split("\t")
                if role not in entries:
                    sys.exit(f"{path}:{number}: role {role!r} is neither input nor target")
                entries[role][0].append(pair_of.setdefault((user, fold), len(pair_of)))
                entries[role][1].append(self._columns(path, number, item))

        def matrix(role):
            rows, cols = entries[role]
            m = scipy.sparse.csr_matrix(
                (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(pair_of), self.items)
            )
            m.sum_duplicates()
            m.data[:] = 1.0
            return m

        return matrix("input"), matrix("target")


# MARK: - Training with the reference classes


def train(split, args):
    """Returns (row-normalized item matrix, per-epoch losses, seconds, Xavier init)."""
    sys.path.insert(0, os.path.abspath(args.reference_path))
    import keras
    from _datasets.pydatasets import SparseRecSysDatasetWithNegatives
    from recommenders.elsa_models import NMSE, CompressedSparseKerasELSA

    interactions, items, device = split.train, split.items, torch.device("cpu")
    if interactions.shape[0] <= args.batch_size and np.all(interactions.getnnz(axis=0) > 0):
        sys.exit(
            "every item occurs in the single training batch: the reference loader would draw its one "
            "negative from an empty set (numpy ValueError); use a smaller --batch-size"
        )

    def loader(**options):
        return SparseRecSysDatasetWithNegatives(
            interactions, device=device, batch_size=args.batch_size, shuffle=True, max_output=None, **options
        )

    def model_from(embeddings, metrics=True):
        model = CompressedSparseKerasELSA(items, args.dimension, np.arange(items), device=device, embs=embeddings)
        model.compile(
            optimizer=keras.optimizers.Nadam(learning_rate=args.lr),
            loss=NMSE,
            metrics=[keras.metrics.CosineSimilarity()] if metrics else None,
        )
        return model

    torch.manual_seed(args.seed)
    keras.utils.set_random_seed(args.seed)
    np.random.seed(args.seed)
    init = torch.nn.init.xavier_uniform_(torch.empty([items, args.dimension])).numpy()
    xavier = init.copy()

    start = time.perf_counter()
    if args.procedure == "script":
        data = loader(workers=0, use_multiprocessing=False, max_queue_size=20)
        model = model_from(init)
        model.train_step(data[0])  # updates `init` in place: the layer wraps it with torch.from_numpy
        model = model_from(init)
        data = loader()
        model.train_step(data[0])
        model.built = True
    else:
        data = loader()
        # Without a first train_step, fit cannot build the compiled CosineSimilarity metric from
        # this model's tuple inputs; the metric only reports, so plain leaves it out.
        model = model_from(init, metrics=False)
        model.optimizer.build(model.trainable_variables)
    history = model.fit(data, epochs=args.epochs, verbose=2)
    seconds = time.perf_counter() - start

    matrix = model.ELSA.A().detach().cpu().numpy().astype(np.float32)
    return matrix, [float(v) for v in history.history["loss"]], seconds, xavier


# MARK: - Evaluation


def rows_in_split_order(matrix, split, ids_path):
    """Rows reordered to items.tsv order; items the matrix lacks get a zero row and are never ranked."""
    present = np.ones(split.items, dtype=bool)
    if ids_path is None:
        if matrix.shape[0] != split.items:
            sys.exit(f"matrix has {matrix.shape[0]} rows, items.tsv has {split.items} items; give --item-ids")
        return matrix, present
    with open(ids_path) as f:
        ids = [line.rstrip("\n") for line in f if line.rstrip("\n")]
    if len(ids) != matrix.shape[0]:
        sys.exit(f"{ids_path} has {len(ids)} ids, the matrix has {matrix.shape[0]} rows")
    row_of = {item: r for r, item in enumerate(ids)}
    ordered = np.zeros((split.items, matrix.shape[1]), dtype=np.float32)
    for j, item in enumerate(split.item_ids):
        if item in row_of:
            ordered[j] = matrix[row_of[item]]
        else:
            present[j] = False
    return ordered, present


def evaluate(matrix, present, split, chunk=512):
    a = torch.from_numpy(np.ascontiguousarray(matrix, dtype=np.float32))
    a = torch.nn.functional.normalize(a, dim=-1)
    inputs, targets = split.inputs, split.targets
    usable = np.flatnonzero((inputs.getnnz(axis=1) > 0) & (targets.getnnz(axis=1) > 0))
    discounts = 1.0 / np.log2(np.arange(2, 102))
    recall20, recall50, ndcg100 = [], [], []
    for begin in range(0, len(usable), chunk):
        rows = usable[begin : begin + chunk]
        x = inputs[rows]
        scores = (torch.from_numpy(x.toarray()) @ a) @ a.T
        scores[torch.from_numpy(x.toarray() > 0)] = -np.inf
        scores[:, torch.from_numpy(~present)] = -np.inf
        top = torch.topk(scores, 100, dim=1).indices.numpy()
        for r, row in enumerate(rows):
            target = targets.indices[targets.indptr[row] : targets.indptr[row + 1]]
            hits = np.isin(top[r], target)
            n = len(target)
            recall20.append(hits[:20].sum() / min(20, n))
            recall50.append(hits[:50].sum() / min(50, n))
            ndcg100.append(discounts[hits].sum() / discounts[: min(100, n)].sum())
    return {
        "recall@20": float(np.mean(recall20)),
        "recall@50": float(np.mean(recall50)),
        "ndcg@100": float(np.mean(ndcg100)),
        "pairs": len(usable),
        "items_missing_from_matrix": int((~present).sum()),
    }


# MARK: - Command line


class EvaluateAction(argparse.Action):
    def __call__(self, parser, namespace, value, option_string=None):
        namespace.matrices = (namespace.matrices or []) + [{"matrix": value, "item_ids": None}]


class ItemIDsAction(argparse.Action):
    def __call__(self, parser, namespace, value, option_string=None):
        if not namespace.matrices or namespace.matrices[-1]["item_ids"] is not None:
            parser.error("--item-ids must follow the --evaluate it belongs to")
        namespace.matrices[-1]["item_ids"] = value


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("split", help="folder with items.tsv, train.tsv, test.tsv")
    parser.add_argument("--reference-path", default="/work/ref/compressed_elsa", help="checkout of zombak79/compressed_elsa")
    parser.add_argument("--dimension", type=int, default=1024)
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--procedure", choices=("plain", "script"), default="script")
    parser.add_argument("--no-train", action="store_true", help="only evaluate the --evaluate matrices")
    parser.add_argument("--save", metavar="A.npy", help="save the trained row-normalized item matrix (items.tsv order)")
    parser.add_argument("--save-init", metavar="INIT.npy", help="save the Xavier matrix training started from")
    parser.add_argument("--evaluate", metavar="FILE.npy", action=EvaluateAction, dest="matrices", default=[],
                        help="an item matrix to evaluate; repeatable")
    parser.add_argument("--item-ids", metavar="FILE", action=ItemIDsAction, dest="matrices",
                        help="row order of the preceding --evaluate matrix, one id a line (default: items.tsv order)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", metavar="FILE.json", help="also write the JSON here")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    split = Split(args.split)
    result = {
        "split": os.path.abspath(args.split),
        "items": split.items,
        "train_users": split.train.shape[0],
        "train_interactions": int(split.train.nnz),
        "metrics": {},
    }
    if not args.no_train:
        with contextlib.redirect_stdout(sys.stderr):  # the reference and fit print; stdout is for the JSON
            matrix, losses, seconds, xavier = train(split, args)
        if args.save:
            np.save(args.save, matrix)
        if args.save_init:
            np.save(args.save_init, xavier)
        result.update(
            procedure=args.procedure, dimension=args.dimension, batch_size=args.batch_size,
            epochs=args.epochs, lr=args.lr, seed=args.seed, losses=losses, training_seconds=seconds,
        )
        result["metrics"]["reference"] = evaluate(matrix, np.ones(split.items, dtype=bool), split)
    for entry in args.matrices:
        matrix, present = rows_in_split_order(np.load(entry["matrix"]), split, entry["item_ids"])
        result["metrics"][entry["matrix"]] = evaluate(matrix, present, split)

    text = json.dumps(result, indent=1)
    print(text)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
