#!/usr/bin/env python3
"""layers.py - which file of src/ calls which, from the objects' symbol tables
(nm: what each object defines and what it needs), and whether the layering
holds: a room (src/ROOM/) may call only rooms below it in RANK, never a
sibling of its own rank or one above; and no circle of files calls itself
round, and no header includes itself round. Prints the offending edges and
circles; exit 1 if any.

Usage: scripts/layers.py [BUILD_DIR]   (default build; run after `make`)
       scripts/layers.py --graph       every file-to-file edge, for reading
"""
import os
import subprocess
import sys

# Lower rank = lower layer. Rooms of one rank are siblings: they must not call
# each other (a backend never calls another, the screen never calls export).
RANK = {
    "core": 0,
    "linux": 1, "xen": 1, "replay": 1, "advise": 1,
    "move": 2,
    "sampler": 3,
    "output": 4, "export": 5, "tui": 5,
    "balance": 6,
    "cli": 7,
}


def module_loops(hedges):
    """A module X.c whose own header X.h comes back to it through another
    header it includes (prompt.c -> keys.h -> view.h -> prompt.h): the module
    needs something that needs the module."""
    import glob
    import re
    loops = []
    for c in sorted(glob.glob("src/*/*.c")):
        here = os.path.dirname(c)
        own = os.path.normpath(c[:-2] + ".h")
        if not os.path.exists(own):
            own = os.path.normpath(os.path.join("include", os.path.basename(c)[:-2] + ".h"))
        if not os.path.exists(own):
            continue
        with open(c, encoding="utf-8") as fh:
            incs = re.findall(r'^#include "([^"]+)"', fh.read(), re.M)
        todo = []
        for name in incs:
            for cand in (os.path.join(here, name), os.path.join("include", name)):
                if os.path.exists(cand):
                    base = os.path.basename(c)[:-2]
                    private = os.path.dirname(cand) == here and name.startswith(base + "_")
                    if os.path.normpath(cand) != own and not private:
                        todo.append((os.path.normpath(cand), [os.path.normpath(cand)]))
                    break
        seen = set()
        while todo:
            h, path = todo.pop()
            if h in seen:
                continue
            seen.add(h)
            for n in hedges.get(h, []):
                if n == own:
                    loops.append(c + " -> " + " -> ".join(path + [n]))
                    todo = []
                    break
                todo.append((n, path + [n]))
    return loops


def header_edges():
    """#include "x.h" among the headers of src/ and include/, resolved as the
    compiler does (the including file's folder first, then include/)."""
    import glob
    import re
    files = glob.glob("src/*/*.h") + glob.glob("include/*.h")
    edges = {}
    for f in files:
        here = os.path.dirname(f)
        out = set()
        with open(f, encoding="utf-8") as fh:
            for m in re.finditer(r'^#include "([^"]+)"', fh.read(), re.M):
                for cand in (os.path.join(here, m.group(1)), os.path.join("include", m.group(1))):
                    if os.path.exists(cand):
                        out.add(os.path.normpath(cand))
                        break
        edges[os.path.normpath(f)] = sorted(out)
    return edges


def circles(edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in edges.get(v, []):
                comps.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return comps


def objects(build):
    top = os.path.join(build, "obj")
    for root, _dirs, files in os.walk(top):
        for f in files:
            if f.endswith(".o"):
                path = os.path.join(root, f)
                rel = os.path.relpath(path, top)[:-2] + ".c"
                if os.path.exists(os.path.join("src", rel)):
                    yield rel, path


def symbols(path):
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    defined, needed = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            needed.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBR":
            defined.add(parts[2])
    return defined, needed


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    build = args[0] if args else "build"
    objs = dict(objects(build))
    if not objs:
        print(f"layers.py: no objects under {build}/obj (run make first)")
        return 2
    defs, needs = {}, {}
    for rel, path in objs.items():
        defs[rel], needs[rel] = symbols(path)
    owner = {}
    for rel, ds in defs.items():
        for s in ds:
            owner[s] = rel
    edges = {rel: sorted({owner[s] for s in needs[rel] if s in owner and owner[s] != rel})
             for rel in objs}
    if "--graph" in sys.argv:
        for a in sorted(edges):
            for b in edges[a]:
                print(f"{a} -> {b}")
        return 0
    bad = 0
    for a in sorted(edges):
        ra = a.split("/")[0]
        for b in edges[a]:
            rb = b.split("/")[0]
            if ra == rb:
                continue
            if ra not in RANK or rb not in RANK:
                print(f"unknown room: {a} -> {b}")
                bad += 1
            elif RANK[rb] >= RANK[ra]:
                kind = "sideways" if RANK[rb] == RANK[ra] else "upward"
                print(f"{kind}: {a} -> {b}")
                bad += 1
    sys.setrecursionlimit(10000)
    comps = circles(edges)
    for c in comps:
        print("circle: " + " <-> ".join(c))
    hedges = header_edges()
    hcomps = circles(hedges) + [[x] for x in module_loops(hedges)]
    for c in hcomps:
        print("header circle: " + " <-> ".join(c))
    n_edges = sum(len(v) for v in edges.values())
    print(f"{len(objs)} files, {n_edges} file-to-file calls, {bad} against the layering, "
          f"{len(comps)} circles of calls, {len(hcomps)} circles of headers")
    return 1 if bad or comps or hcomps else 0


if __name__ == "__main__":
    sys.exit(main())
