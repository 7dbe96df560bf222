pdf tests/bad/unclosed-front-matter.md
