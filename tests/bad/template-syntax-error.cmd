render examples/her2-out-of-network.toml --templates tests/bad/template-syntax
