"""Synthetic data that follow the data contract, so evalkit can be built, tested and measured without
person data.

- `eksempel`: the committed example data set (`evalkit simulate`), calibrated to the published 2020
  figures, built from one module per table family: `maal` (the calibration targets), `tidslinje`
  (weeks and random streams), `borgere`, `ydelser`, `aktiviteter` (placements, interviews, plans)
  and `personale` (the HR tables);
- `storskala`: a job-centre-sized panel for the scale benchmarks (`evalkit simulate --borgere N`).
"""
