"""The analysis stage: what policies say (sentences, declarations, policy facts) and how it compares with what
sites do."""

# One name per module: imported as the top-level `analysis` (a checkout's root on sys.path) it would be a
# second copy of every class and setting beside kzprivacy.analysis; docs/architecture.md says why.
if __name__ != "kzprivacy.analysis":
    raise ImportError("import kzprivacy.analysis, not analysis: the floors live under one installed name")
