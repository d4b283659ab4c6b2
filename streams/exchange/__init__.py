"""The stock exchange's pure core: order book, matching stage, account stage."""
