render examples/her2-out-of-network.toml --style no-such-style
