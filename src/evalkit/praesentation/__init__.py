"""Presentation in Danish: numbers, tables, figures and the wording of protected counts and methods.

- `formatting`: decimal comma, `pct.`, Danish dates, p-values;
- `tables`: the small table builder every measure uses;
- `figures`: the figures' style (colours, size, number axes, SVG);
- `flowdiagram`: the CONSORT-style flow chart's boxes and arrows;
- `beskyttet`: counts that disclosure control hides, as "<5", ".." and "færre end 5";
- `metode`: a model's fit described in Danish;
- `proveniens`: the provenance record as the appendix's tables.
"""
