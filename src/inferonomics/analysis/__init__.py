"""Questions over many configurations: sweep grids, decisions (best, Pareto, comparisons, break-even) and sensitivity."""
