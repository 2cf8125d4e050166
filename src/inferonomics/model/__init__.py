"""The model layer: what the cost model takes and gives (:mod:`.registry`) and how it computes it
(:mod:`.reference`, plain Python, the specification the native cores are generated from)."""
