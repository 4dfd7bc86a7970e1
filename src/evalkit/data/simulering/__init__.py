"""Synthetic data that follow the data contract, so evalkit can be built, tested and measured without
person data.

- `eksempel`: the example data sets (`evalkit simulate`), built from one module per table family:
  `maal` (the calibration targets), `tidslinje` (weeks and random streams), `borgere`, `ydelser`,
  `aktiviteter` (placements, interviews, plans) and `personale` (the HR tables). With the calibrated
  targets (`evalkit simulate --kalibreret`) they reproduce the published 2020 figures: the committed
  example `data/eksempel/`;
- `model`: the scenario model whose effects are parameters (`evalkit simulate --scenarie standard|nul|
  omvendt|lille`): it draws other targets per seed, so the report can be seen to follow other results;
- `storskala`: a job-centre-sized panel for the scale benchmarks (`evalkit simulate --borgere N`).
"""
