"""How well the model matches published measurements: validation and the calibration of its priors."""
