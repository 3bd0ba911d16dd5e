"""The tabular layer every format reads through: delimited text and workbook sheets as grids
of raw cells, header-named string tables, and the values in cells (numbers, units, dates).

- `records`: delimiters, record boundaries and field counts from a text's bytes.
- `grid`: text or a workbook's sheets as `Grid`s of raw cells (the one read_csv fast path).
- `table`: a text export as a `Table` of strings under its header line (app exports).
- `cells`: raw cells as clean text, and `Coded` columns (distinct cells + a code per row).
- `values`: numbers, weight and distance units, dates.

Importers import these names from `analyzer.importers.tabular`, not from the modules.
"""

from analyzer.importers.tabular.cells import (
    PIECE_ROWS,
    Coded,
    as_text,
    code_cells,
    join_text,
)
from analyzer.importers.tabular.grid import (
    Grid,
    bytes_grid,
    check_grid_size,
    document_grids,
    is_default_sheet_name,
    text_grid,
)
from analyzer.importers.tabular.records import (
    DELIMITERS,
    HEADER_DELIMITERS,
    header_delimiter,
    repeated_header_lines,
    sniff_delimiter,
)
from analyzer.importers.tabular.table import (
    Table,
    clean_header,
    header_fields,
    read_table,
    repair_extra_fields,
    require,
    split_header,
)
from analyzer.importers.tabular.values import (
    BODYWEIGHT_WORDS,
    DISTANCE_M,
    GUESSED_DATE_FORMATS,
    UNIT_WORDS,
    Numbers,
    ParsedDates,
    decimal_comma_vote,
    decimal_tally,
    distance_unit_from_header,
    number_cells,
    parse_dates,
    parse_dates_with,
    parse_numbers,
    row_distance_factors,
    row_unit_factors,
    to_kg,
    to_number,
    unit_factor,
    unit_from_header,
    uses_decimal_comma,
    zero_to_nan,
)

__all__ = [
    "BODYWEIGHT_WORDS",
    "GUESSED_DATE_FORMATS",
    "DELIMITERS",
    "DISTANCE_M",
    "HEADER_DELIMITERS",
    "PIECE_ROWS",
    "UNIT_WORDS",
    "Coded",
    "Grid",
    "Numbers",
    "ParsedDates",
    "Table",
    "as_text",
    "bytes_grid",
    "check_grid_size",
    "clean_header",
    "code_cells",
    "decimal_comma_vote",
    "decimal_tally",
    "distance_unit_from_header",
    "document_grids",
    "header_delimiter",
    "header_fields",
    "is_default_sheet_name",
    "join_text",
    "number_cells",
    "parse_dates",
    "parse_dates_with",
    "parse_numbers",
    "read_table",
    "repair_extra_fields",
    "repeated_header_lines",
    "require",
    "row_distance_factors",
    "row_unit_factors",
    "sniff_delimiter",
    "split_header",
    "text_grid",
    "to_kg",
    "to_number",
    "unit_factor",
    "unit_from_header",
    "uses_decimal_comma",
    "zero_to_nan",
]
