"""回访: the record form (RevisitDialog) and the page of plans, records and 服务不到位."""
