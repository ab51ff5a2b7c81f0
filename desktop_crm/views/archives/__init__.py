"""档案台账 screens (DOMAIN §5): the ledger list, the location tree, the access log and the
案卷 dialog."""
