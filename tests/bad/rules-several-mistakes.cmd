render examples/her2-out-of-network.toml --rules tests/bad/rules-mistakes
