render examples/her2-non-preferred-drug.toml --rules tests/bad/rules-state-erisa
