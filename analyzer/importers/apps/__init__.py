"""App exports, one module per app (Strong, Hevy, FitNotes, Fitbod, Alpha Progression,
JEFIT): each knows its app's headers, date formats and units, and defines `IMPORTER`.
The registry (`analyzer.importers.FORMAT_MODULES`) lists them in detection order.
"""
