"""Reading what users give: catalogs of hardware and models, scenario files, and the checks on their numbers."""
