#!/usr/bin/env python3
"""How sparse is the training gradient G of a trained compressed ELSA model?

G[b, i] is nonzero only where the clipped prediction is active (0 < P[b, i] < 6).
The sparse kernels process the batch in panels of users; a panel could skip an
output row only if none of its users is active there. This script measures both
fractions for one batch of random users, from a model exported with
`elsa export --format npz` (or `--format npy`, a dense model) and an adjacency
data folder (train.txt + test.txt). It also counts the predictions that ReLU6
clips at 6, overall and at the users' own items (the targets).

usage: active-outputs.py MODEL.npz|MODEL.npy DATA_FOLDER [--batch 1024] [--seed 0]
"""
import argparse

import numpy as np
import scipy.sparse as sp


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("npz")
    parser.add_argument("data")
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    if args.npz.endswith(".npy"):
        embedding = sp.csr_matrix(np.load(args.npz).astype(np.float32))
    else:
        embedding = sp.load_npz(args.npz).tocsr().astype(np.float32)
    items_path = args.npz[:-len(".npz")] + ".items.txt"
    item_ids = [line.strip() for line in open(items_path)]
    index = {item: i for i, item in enumerate(item_ids)}

    users = {}
    for name in ("train.txt", "test.txt"):
        for line in open(f"{args.data}/{name}"):
            fields = line.split()
            if fields:
                users.setdefault(fields[0], set()).update(fields[1:])
    names = sorted(users)
    chosen = np.random.default_rng(args.seed).choice(len(names), args.batch, replace=False)
    rows, columns = [], []
    for row, user in enumerate(chosen):
        for item in users[names[user]]:
            if item in index:
                rows.append(row)
                columns.append(index[item])
    x = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, columns)), shape=(args.batch, len(item_ids)))

    norms = np.sqrt(np.asarray(embedding.multiply(embedding).sum(axis=1)).ravel())
    normalized = sp.diags(1 / norms) @ embedding
    prediction = (x @ normalized @ normalized.T).toarray() - x.toarray()
    active = (prediction > 0) & (prediction < 6)
    print(f"active predictions (0 < P < 6): {active.mean():.4f} of {args.batch} x {len(item_ids)}")
    for width in (32, 16, 8):
        panels = active[: args.batch // width * width].reshape(-1, width, len(item_ids)).any(axis=1)
        print(f"(panel of {width} users, output row) pairs with an active user: {panels.mean():.4f}")
    history = x.toarray() > 0
    print(f"items per user: {history.sum(axis=1).mean():.1f}; clipped (P >= 6): {(prediction >= 6).mean():.6f} of all "
          f"predictions, {(prediction[history] >= 6).mean():.4f} of the users' own items, "
          f"users with one or more: {(prediction >= 6).any(axis=1).mean():.3f}")


if __name__ == "__main__":
    main()
