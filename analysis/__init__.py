"""The analysis stage: what policies say (sentences, declarations, policy facts) and how it compares with what sites do."""
