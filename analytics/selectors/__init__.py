"""Read paths: every figure a dashboard or report shows is computed here, from the rollups."""
