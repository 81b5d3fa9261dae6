"""The public catalogue: listing, search and product pages (`catalog`), and what people do around
listings they don't own — favourites, reviews of sellers and the seller's public page (`social`)."""
