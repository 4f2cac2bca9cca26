"""Checking data and finding governance gaps: the SHACL shapes, run on the store or pySHACL."""
