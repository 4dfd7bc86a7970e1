"""The build engine: plan, run and cache every notebook per phase, merge the results, render the documents.

- `build`: one build from data to published documents (the temporary tree, the steps, the log);
- `udgivelse`: which directories a build may replace, one build at a time, and the swap that survives a kill;
- `pipeline`: which notebooks run for which phase, and their parameters;
- `scheduler` and `kernel`: the parallel steps on warm Jupyter kernels;
- `cache`: a step is done again only when what it reads changed;
- `progress`: what the build says while it runs;
- `provenance`: where the outputs come from, and the fixed time stamp;
- `resultater`: each notebook's fragment of `resultater.json` and their merge;
- `notebook`: what a measurement notebook calls at its start and end.
"""
