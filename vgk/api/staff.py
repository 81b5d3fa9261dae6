"""(routes added below)"""
