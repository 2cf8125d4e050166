"""The compute backends behind one contract (reference, C, numba), the plan encoding they share, and the chunked driver."""
