render examples/her2-out-of-network.toml --library tests/bad/library-broken.json
