"""Running simulations and sweeps on a Dask cluster (the optional ``inferonomics[dask]`` extra).

The counter-based stream makes any sample computable anywhere, and summaries are mergeable, so a
cluster run is the local run cut into pieces: sample spans that start on chunk boundaries
(:mod:`.spans`), each run by the native core on a worker (:mod:`.tasks`), merged on the client in
chunk order (:mod:`.runner`). What crosses the network is the encoded plan or grid (a few kB), and
per piece its counts, per-chunk moments and the non-zero sketch buckets, never samples.
"""
