"""The data layer: what the input tables look like and how they are read.

- `contract`: the data contract (tables, columns, codes, file formats) and the CPR pattern;
- `loading` and `validation`: reading the files and checking them against the contract, with Danish
  errors that name file, column and rows;
- `panel` and `uger`: helpers for the weekly status panel and its Mondays;
- `kilde`: a file's SHA-256, for the provenance record and the cache;
- `simulering`: synthetic data sets that follow the contract.
"""
