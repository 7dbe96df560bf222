render examples/her2-out-of-network.toml --kind medical-necessity
