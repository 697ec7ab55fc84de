#!/usr/bin/env python3
"""Derives src/engine/lexicon/nouns.tsv from Princeton WordNet 3.0.

Reads the WordNet database (Debian's wordnet-base: /usr/share/wordnet) and
writes, for each single-word noun, the synsets of its first senses (two
for a noun tagged in WordNet's semantic concordance, one for any other)
and their hypernyms within three levels, as short ids. The engine reads the table to
tell a counted noun's synonyms (a shared synset: jobs / positions, jets /
aircraft) from its broader and narrower terms (people / residents).

    python3 tools/wordnet_nouns.py /usr/share/wordnet > src/engine/lexicon/nouns.tsv
"""
import sys
from collections import defaultdict

SENSES = 2       # the first senses of each lemma (WordNet orders by use)
DEPTH = 3        # hypernym levels kept
MIN_DEPTH = 3    # synsets this close to the root are too general to relate


def read_data(path):
    synsets = {}
    for line in open(path, encoding="latin-1"):
        if line.startswith("  "):
            continue
        head = line.split(" | ")[0].split()
        off = head[0]
        w_cnt = int(head[3], 16)
        words = [head[4 + 2 * i].lower() for i in range(w_cnt)]
        at = 4 + 2 * w_cnt
        p_cnt = int(head[at])
        hypers = []
        for i in range(p_cnt):
            sym, target, pos = head[at + 1 + 4 * i: at + 4 + 4 * i]
            if sym in ("@", "@i") and pos == "n":
                hypers.append(target)
        synsets[off] = (words, hypers)
    return synsets


def depths(synsets):
    memo = {}

    def depth(off, seen=()):
        if off in memo:
            return memo[off]
        hypers = synsets[off][1]
        if not hypers or off in seen:
            d = 0
        else:
            d = 1 + min(depth(h, seen + (off,)) for h in hypers)
        memo[off] = d
        return d

    for off in synsets:
        depth(off)
    return memo


def main(root):
    synsets = read_data(f"{root}/data.noun")
    depth = depths(synsets)
    short = {}

    def sid(off):
        return short.setdefault(off, format(len(short), "x"))

    rows = []
    for line in open(f"{root}/index.noun", encoding="latin-1"):
        if line.startswith("  "):
            continue
        f = line.split()
        lemma = f[0]
        if not lemma.isalpha() or not lemma.islower():
            continue
        p_cnt = int(f[3])
        tagged = int(f[5 + p_cnt])
        offsets = f[6 + p_cnt:]
        # A noun never tagged in the concordance keeps only its first sense.
        own = offsets[:SENSES] if tagged else offsets[:1]
        broader = []
        frontier = list(own)
        for _ in range(DEPTH):
            nxt = []
            for off in frontier:
                for h in synsets[off][1]:
                    if depth[h] >= MIN_DEPTH and h not in broader and h not in own:
                        broader.append(h)
                    nxt.append(h)
            frontier = nxt
        rows.append((lemma, own, broader))
    print("# Derived from Princeton WordNet 3.0 by tools/wordnet_nouns.py; see")
    print("# LICENSE-WordNet beside this file. Columns (tab-separated): a noun,")
    print("# the synsets of its first senses, their hypernyms within three levels.")
    for lemma, own, broader in rows:
        if own:
            print(f"{lemma}\t{' '.join(sid(o) for o in own)}\t{' '.join(sid(b) for b in broader)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet")
