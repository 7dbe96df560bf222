render examples/her2-out-of-network.toml -o tests/bad/npi-check-digit.toml/out
