render tests/bad/no-such-case.toml
