"""Pure statistical functions on counts, arrays and DataFrames: no Danish text, no files.

- `andele`: the two groups' shares compared (difference, Newcombe interval, z-test, Fisher), Holm, MDE;
- `regression`: SMD, the covariate-adjusted difference (OLS, HC2) and Welch's difference in means;
- `overlevelse`: Kaplan–Meier, restricted mean, log-rank and Cox for right-censored times;
- `diskretion`: which small counts must be suppressed (primary and complementary suppression);
- `tal`: None for undefined numbers and half-up rounding.
"""
