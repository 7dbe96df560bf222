#!/usr/bin/env python3
"""Picks a small committed corpus from a big one.

Usage: select_corpus.py CONTROL_FILE OUT_DIR MAX_FILES MAX_BYTES [SEED_DIR]

CONTROL_FILE comes from `<fuzz binary> -merge=1 -merge_control_file=CONTROL_FILE EMPTY_DIR SEED_DIR BIG_DIR`.
Greedy set cover over its per-input features: seeds first, then the inputs that add
the most new features, up to N files, each at most MAXB bytes."""
import sys, os, shutil
cf, outdir, n, maxb = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
seeddir = sys.argv[5] if len(sys.argv) > 5 else None
lines = open(cf).read().splitlines()
nfiles = int(lines[0]); files = lines[2:2+nfiles]
ft = {}
for l in lines[2+nfiles:]:
    p = l.split()
    if p and p[0] == 'FT':
        ft[int(p[1])] = set(map(int, p[2:]))
covered = set(); chosen = []
seeds = [i for i,f in enumerate(files) if seeddir and f.startswith(seeddir)]
for i in seeds:
    chosen.append(i); covered |= ft.get(i, set())
cands = [i for i in ft if i not in chosen and os.path.getsize(files[i]) <= maxb]
while len(chosen) < n:
    best = max(cands, key=lambda i: (len(ft[i]-covered), -os.path.getsize(files[i])), default=None)
    if best is None or not (ft[best]-covered): break
    chosen.append(best); covered |= ft[best]; cands.remove(best)
allf = set().union(*ft.values())
print(f"chosen {len(chosen)} files covering {len(covered)}/{len(allf)} features")
os.makedirs(outdir, exist_ok=True)
for i in chosen:
    src = files[i]
    name = os.path.basename(src) if seeddir and src.startswith(seeddir) else os.path.basename(src)[:16]
    shutil.copy(src, os.path.join(outdir, name))
