"""N-gram keys of any width: word ids packed into one or more 64-bit limbs, sorted lexicographically.

A single base-V integer holds an n-gram only while ``V ** n < 2 ** 63`` (order 5 stops near 6,200
word types). Here each word takes ``b = bits(V - 1)`` bits and a 64-bit limb holds ``k = 64 // b``
words, left-aligned, so an n-gram is a row of ``L = ceil(n / k)`` unsigned limbs:

    limb(i // k) |= id_i << b (k - 1 - i mod k)        for word i = 0 .. n-1 of the n-gram

Comparing rows limb by limb (most significant first) is comparing the word ids left to right, so a
lexicographic sort of the rows is the order of the n-grams by their id sequences, whatever L is.
With V = 50,000 (b = 16, k = 4) orders 1-4 use one limb and orders 5-8 two; with V = 2 ** 20
(a million types) orders 1-3 use one and 4-6 two. One limb is the fast path: plain ``np.sort``
and ``np.searchsorted``; wider rows use ``np.lexsort``.

A stored model does not need wide keys at all: ``trie_keys`` turns the sorted rows of order n into
``rank(prefix) * V + last word``, where the rank is the prefix's position among the sorted
(n-1)-grams. Ranks are below the number of stored n-grams, so these keys fit in int64 for any
vocabulary and keep the same order (Heafield 2011, KenLM's trie; here as sorted arrays).

References: Heafield, "KenLM: faster and smaller language model queries" (WMT 2011), section 3;
Pauls & Klein, "Faster and smaller n-gram language models" (ACL 2011), context encoding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["KeyLayout", "lookup_rows", "merge_counts", "sort_rows", "trie_keys", "unique_rows"]


@dataclass(frozen=True)
class KeyLayout:
    """How ids of a vocabulary of ``vocabulary_size`` words pack into 64-bit limbs."""

    vocabulary_size: int

    @property
    def bits(self) -> int:
        """Bits per word id: enough for the largest id."""
        return max(1, (self.vocabulary_size - 1).bit_length())

    @property
    def per_limb(self) -> int:
        """Words per 64-bit limb."""
        if self.bits > 64:
            raise ValueError(f"a vocabulary of {self.vocabulary_size} words needs ids wider than 64 bits")
        return 64 // self.bits

    def limbs(self, n: int) -> int:
        """Limbs an n-gram needs."""
        return max(1, -(-n // self.per_limb))

    def pack(self, columns: list[np.ndarray]) -> np.ndarray:
        """Id columns (n arrays of M ids, first word first) -> key rows (M, L) of uint64."""
        n, k, b = len(columns), self.per_limb, self.bits
        size = columns[0].shape[0] if columns else 0
        keys = np.zeros((size, self.limbs(n)), dtype=np.uint64)
        for i, column in enumerate(columns):
            shift = np.uint64(b * (k - 1 - i % k))
            keys[:, i // k] |= column.astype(np.uint64, copy=False) << shift
        return keys

    def unpack(self, keys: np.ndarray, n: int) -> list[np.ndarray]:
        """Key rows (M, L) -> n id columns (int64), the inverse of ``pack``."""
        k, b = self.per_limb, self.bits
        mask = np.uint64((1 << b) - 1)
        return [
            ((keys[:, i // k] >> np.uint64(b * (k - 1 - i % k))) & mask).astype(np.int64) for i in range(n)
        ]

    def repack(
        self, keys: np.ndarray, n: int, layout: KeyLayout, remap: np.ndarray | None = None
    ) -> np.ndarray:
        """Rows of this layout -> rows of ``layout`` (a wider vocabulary), ids optionally remapped."""
        columns = self.unpack(keys, n)
        if remap is not None:
            columns = [remap[column] for column in columns]
        return layout.pack(columns)


def _equal_neighbours(rows: np.ndarray) -> np.ndarray:
    """For sorted rows (M, L): True where row i+1 equals row i (M-1 flags)."""
    same = rows[1:, 0] == rows[:-1, 0]
    for limb in range(1, rows.shape[1]):
        same &= rows[1:, limb] == rows[:-1, limb]
    return same


def sort_rows(rows: np.ndarray) -> np.ndarray:
    """The permutation that sorts key rows lexicographically (stable)."""
    if rows.shape[1] == 1:
        return np.argsort(rows[:, 0], kind="stable")
    return np.lexsort(rows.T[::-1])


def unique_rows(rows: np.ndarray, counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct rows and, per row, how often it occurs (or the sum of its ``counts``)."""
    if counts is None and rows.shape[1] == 1:
        ordered = np.sort(rows[:, 0])[:, None]  # the fast path: no permutation to carry
    else:
        permutation = sort_rows(rows)
        ordered = rows[permutation]
        counts = None if counts is None else counts[permutation]
    if not ordered.shape[0]:
        return ordered, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, ~_equal_neighbours(ordered)])
    if counts is None:
        totals = np.diff(np.r_[starts, ordered.shape[0]]).astype(np.int64)
    else:
        totals = np.add.reduceat(counts.astype(np.int64, copy=False), starts)
    return ordered[starts], totals


def merge_counts(
    rows: np.ndarray, counts: np.ndarray, more_rows: np.ndarray, more_counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Merge two sorted distinct (rows, counts) tables, adding the counts of shared rows.

    The stable sort of two concatenated sorted runs is a linear merge (timsort finds the runs).
    """
    if not rows.shape[0]:
        return more_rows, more_counts
    if rows.shape[1] != 1:
        return unique_rows(np.concatenate([rows, more_rows]), np.concatenate([counts, more_counts]))
    # One limb: place the new rows by binary search and fill the output once (no permutation of
    # the whole table, which cost three table-sized temporaries).
    old, new = rows[:, 0], more_rows[:, 0]
    place = np.searchsorted(old, new)
    shared = old[np.minimum(place, old.size - 1)] == new
    totals = counts.astype(np.int64)  # a copy: the caller's table stays as it was
    totals[place[shared]] += more_counts[shared]
    fresh = ~shared
    slots = place[fresh]
    slots += np.arange(slots.size)  # where each fresh row lands among the merged rows
    merged = np.empty((old.size + slots.size, 1), dtype=rows.dtype)
    merged_counts = np.empty(old.size + slots.size, dtype=np.int64)
    is_old = np.ones(merged_counts.size, dtype=bool)
    is_old[slots] = False
    merged[slots, 0] = new[fresh]
    merged[is_old, 0] = old
    merged_counts[slots] = more_counts[fresh]
    merged_counts[is_old] = totals
    return merged, merged_counts


def lookup_rows(table: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of query rows in a sorted distinct table, and whether each one is there."""
    if queries.shape[0] == 0 or table.shape[0] == 0:
        return np.zeros(queries.shape[0], dtype=np.int64), np.zeros(queries.shape[0], dtype=bool)
    if table.shape[1] == 1:
        position = np.searchsorted(table[:, 0], queries[:, 0])
        position = np.minimum(position, table.shape[0] - 1)
        return position, table[position, 0] == queries[:, 0]
    # Wide rows: sort table and queries together (table rows first among equals); the last table
    # row at or before a query is its only candidate.
    both = np.concatenate([table, queries])
    permutation = sort_rows(both)
    is_table = permutation < table.shape[0]
    last_table = np.cumsum(is_table) - 1
    candidate = np.empty(queries.shape[0], dtype=np.int64)
    candidate[permutation[~is_table] - table.shape[0]] = last_table[~is_table]
    position = np.maximum(candidate, 0)
    found = (candidate >= 0) & np.all(table[position] == queries, axis=1)
    return position, found


def trie_keys(rows: np.ndarray, n: int, layout: KeyLayout, lower: np.ndarray | None) -> np.ndarray:
    """Sorted rows of order n -> int64 keys ``rank(prefix) * V + last``, same order.

    ``lower`` holds the sorted rows of order n-1 (None for unigrams, whose key is the id itself).
    Every prefix must be there, as the ARPA format requires.
    """
    columns = layout.unpack(rows, n)
    if n == 1:
        return columns[0]
    position, found = lookup_rows(lower, layout.pack(columns[:-1]))
    if not found.all():
        raise ValueError(f"an {n}-gram's first {n - 1} words are not a stored {n - 1}-gram")
    return position * layout.vocabulary_size + columns[-1]


if __name__ == "__main__":
    layout = KeyLayout(50_000)
    grams = np.array([[7, 3, 9, 1, 4], [7, 3, 2, 2, 2], [0, 49_999, 1, 1, 1]])
    rows = layout.pack(list(grams.T))
    print("limbs per 5-gram:", rows.shape[1], "sorted:", grams[sort_rows(rows)].tolist())
