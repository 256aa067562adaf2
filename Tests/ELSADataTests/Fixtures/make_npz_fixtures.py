"""Writes the .npz / .npy fixtures of NPZReaderTests with scipy and numpy (python3 make_npz_fixtures.py)."""
import numpy as np
import scipy.sparse as sp

# 4 users x 5 items; ratings 1..5, with one explicit zero that readers must skip.
rows = np.array([0, 0, 1, 1, 2, 3, 3, 3])
cols = np.array([1, 4, 0, 2, 2, 0, 3, 4])
vals = np.array([5.0, 3.0, 4.0, 0.0, 2.0, 1.0, 4.0, 5.0], dtype=np.float64)
ratings = sp.coo_matrix((vals, (rows, cols)), shape=(4, 5))
sp.save_npz("ratings-csr.npz", ratings.tocsr())                      # compressed, float64 data, int32 indices
sp.save_npz("ratings-csc.npz", ratings.tocsc(), compressed=False)
binary = sp.coo_matrix((np.ones(7, dtype=np.float32), (rows[[0, 1, 2, 4, 5, 6, 7]], cols[[0, 1, 2, 4, 5, 6, 7]])), shape=(4, 5))
sp.save_npz("binary-coo.npz", binary)
sp.save_npz("binary-bsr.npz", binary.tobsr())                         # a layout the reader refuses
with open("users.txt", "w") as f:
    f.write("\n".join(["ann", "bob", "cy", "dee"]) + "\n")
with open("items.txt", "w") as f:
    f.write("\n".join(["i10", "i20", "i30", "i40", "i50"]) + "\n")

# A 3 x 4 item matrix, dense float64 and sparse.
items = np.array([[0.5, 0.0, -1.0, 2.0], [0.0, 3.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
np.save("items-f8.npy", items)
np.save("items-i4.npy", items.astype(np.int32))                       # a dtype the import refuses
sp.save_npz("items.npz", sp.csr_matrix(items.astype(np.float32)))
with open("item-ids-3.txt", "w") as f:
    f.write("a\nb\nc\n")
