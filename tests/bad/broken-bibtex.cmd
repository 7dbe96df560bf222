render examples/her2-out-of-network.toml --library tests/bad/broken-entry.bib --templates tests/bad/cites-broken
