"""The matrix form in plain numpy arrays (:class:`~optimiser.solve.matrix.Csc`) gives what scipy gives, to the bit.

The plain solve works on the arrays (products, the dual face's matrix) and never loads scipy; the analyses
read the same matrix as ``form.a``, a scipy matrix built on first use. Both must hold the same numbers, and
every product and selection the solve makes must equal scipy's, bit for bit, or the shadow prices would move.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from optimiser import load_config
from optimiser.model import build_model
from optimiser.solve.matrix import Csc, matrix_form

ROOT = Path(__file__).resolve().parents[2]


def same(mine: np.ndarray, scipys: np.ndarray) -> bool:
    mine, scipys = np.asarray(mine), np.asarray(scipys)
    return mine.shape == scipys.shape and mine.tobytes() == scipys.astype(mine.dtype).tobytes()


def same_matrix(mine: Csc, scipys: sp.spmatrix) -> bool:
    scipys = sp.csc_matrix(scipys)
    return (mine.shape == scipys.shape and same(mine.indptr, scipys.indptr) and same(mine.indices, scipys.indices)
            and same(mine.data, scipys.data))


@pytest.fixture(scope="module")
def built():
    model = build_model(load_config(ROOT / "configs" / "zhejiang.yaml"))
    return model, matrix_form(model)


def test_the_arrays_are_the_matrix_scipy_builds_from_the_constraints(built) -> None:
    model, form = built
    constraints = model.book.constraints
    rows = np.repeat(np.arange(len(constraints)), [len(con) for con in constraints])
    cols = [model.column_of[var] for con in constraints for var in con]
    values = [coef for con in constraints for coef in con.values()]
    expected = sp.csc_matrix((values, (rows, cols)), shape=(len(constraints), len(model.columns)))
    expected.sum_duplicates()
    expected.sort_indices()
    assert form.csc.nnz > 1000 and same_matrix(form.csc, expected)
    assert isinstance(form.a, sp.csc_matrix) and (form.a != expected).nnz == 0
    assert form.changes is not None and form.changes.shape == (len(form.change_price), form.n_cols)


def test_products_and_selections_equal_scipys_to_the_bit(built) -> None:
    _, form = built
    a, reference = form.csc, form.a.copy()
    rng = np.random.default_rng(7)
    for _ in range(3):
        x, y = rng.normal(size=a.shape[1]) * 1e3, rng.normal(size=a.shape[0])
        assert same(a @ x, reference @ x)
        assert same(a.T @ y, reference.T @ y)
        assert same(abs(a) @ np.abs(x), abs(reference) @ np.abs(x))
        # the dual face's matrix: the tight rows, transposed, on the columns kept, and negated copies of some
        tight = np.flatnonzero(rng.random(a.shape[0]) < 0.4)
        keep = rng.random(a.shape[1]) < 0.7
        free = np.flatnonzero(rng.random(len(tight)) < 0.3)
        face = a.transposed().columns(tight).rows(keep)
        face_reference = reference[tight, :].T.tocsr()[keep]
        joined = face.join(-face.columns(free))
        assert same_matrix(joined, sp.hstack([face_reference, -face_reference[:, free]]).tocsc())
        by_row = joined.transposed()
        expected_rows = sp.csr_matrix(sp.hstack([face_reference, -face_reference[:, free]]))
        assert same(by_row.indptr, expected_rows.indptr) and same(by_row.indices, expected_rows.indices)
        assert same(by_row.data, expected_rows.data)


def test_the_product_with_a_mostly_zero_vector_reads_only_its_rows(built) -> None:
    _, form = built
    a, reference = form.csc, form.a
    rng = np.random.default_rng(11)
    for share in (0.003, 0.04):
        y = np.zeros(a.shape[0])
        rows = rng.choice(a.shape[0], size=max(1, int(share * a.shape[0])), replace=False)
        y[rows] = rng.normal(size=len(rows))
        # The terms added in row order: equal to scipy's within round-off (not to the bit).
        np.testing.assert_allclose(a.sparse_transpose_times(y), reference.T @ y, rtol=1e-12, atol=1e-12)
        # Columns touched by no priced row are exactly zero.
        untouched = np.flatnonzero(abs(reference[rows, :]).sum(axis=0).A1 == 0)
        assert (a.sparse_transpose_times(y)[untouched] == 0.0).all()
    dense = rng.normal(size=a.shape[0])
    assert same(a.sparse_transpose_times(dense), reference.T @ dense)  # most entries priced: the plain product
    assert same(a.sparse_transpose_times(np.zeros(a.shape[0])), np.zeros(a.shape[1]))
    # A copy with other numbers does not read the row-wise arrays of the first.
    doubled = a.with_data(2.0 * a.data)
    y = np.zeros(a.shape[0])
    y[rows[:3]] = 1.0
    np.testing.assert_allclose(doubled.sparse_transpose_times(y), 2.0 * (reference.T @ y), rtol=1e-12)


def test_triplets_are_sorted_by_column_and_duplicates_summed() -> None:
    a = Csc.from_triplets(np.array([2, 0, 1, 0]), np.array([1, 1, 0, 1]), np.array([1.0, 2.0, 3.0, 4.0]), (3, 3))
    assert a.indptr.tolist() == [0, 1, 3, 3] and a.indices.tolist() == [1, 0, 2] and a.data.tolist() == [3.0, 6.0, 1.0]
    assert (a @ np.ones(3)).tolist() == [6.0, 3.0, 1.0] and (a.T @ np.ones(3)).tolist() == [3.0, 7.0, 0.0]
    assert np.array_equal(a.scipy().toarray(), [[0, 6, 0], [3, 0, 0], [0, 1, 0]])


def test_a_copy_with_new_numbers_and_a_pickled_form_rebuild_the_scipy_matrix(built) -> None:
    _, form = built
    assert form.a is form.a  # built once
    doubled = form.with_flat(form.flat() * 2)
    assert same(doubled.a.toarray(), form.a.toarray() * 2) and same(doubled.csc.indices, form.csc.indices)
    state = form.__getstate__()
    assert "a" not in state and "changes" not in state  # the scipy matrices are not pickled ...
    copy = pickle.loads(pickle.dumps(form))
    assert (copy.a != form.a).nnz == 0 and (copy.changes != form.changes).nnz == 0  # ... but built again
    assert copy.shape_key() == form.shape_key()
