"""Discovery: what people do on the catalogue (`events`, written in batches off the request path), the
recommenders computed from it by a job (`recommenders` the arithmetic, `build` the job), and what pages
and the app read from their tables (`suggestions`): similar items, seen together, trending, "for you"."""
